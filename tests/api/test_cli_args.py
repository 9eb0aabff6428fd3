"""``key=value`` arguments typed by an action's JSON schema (api/commands/args.py)."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from api.commands.args import build_args, coerce, signature
from api.commands.member import CliError


class Transfer(BaseModel):
    source: str
    target: str
    amount: int
    memo: str | None = None
    urgent: bool = False
    level: Literal["central", "province"] = "central"
    evidence: list[str] = []


SCHEMA: dict[str, Any] = Transfer.model_json_schema()


def args(*pairs: str, base: dict[str, Any] | None = None) -> dict[str, Any]:
    return build_args("settlement.transfer", SCHEMA, pairs, base)


def test_integers_stay_integers_and_strings_stay_strings() -> None:
    got = args("source=123", "target=coop-a", "amount=1_000_00", "urgent=true",
               "level=province", 'evidence=["ab","cd"]', "memo=null")
    assert got == {
        "source": "123", "target": "coop-a", "amount": 100_000, "urgent": True,
        "level": "province", "evidence": ["ab", "cd"], "memo": None,
    }
    assert Transfer.model_validate(got).amount == 100_000


def test_a_decimal_amount_is_refused_naming_the_arg_and_fen() -> None:
    with pytest.raises(CliError, match=r"^amount: expected integer, got '12\.5' \(whole "
                                       r"numbers only: money is integer fen\)$"):
        args("source=a", "target=b", "amount=12.5")


def test_an_unknown_name_lists_the_actions_arguments() -> None:
    with pytest.raises(CliError) as caught:
        args("source=a", "target=b", "amout=5")
    text = str(caught.value)
    assert text.startswith("amout: settlement.transfer has no such argument")
    assert "amount=<integer>" in text
    assert "[memo=<string or null>]" in text


def test_a_missing_required_argument_is_named_with_its_type() -> None:
    with pytest.raises(CliError, match=r"settlement.transfer: missing amount=<integer>"):
        args("source=a", "target=b")


def test_an_enum_value_outside_the_choices_names_them() -> None:
    with pytest.raises(CliError, match=r"level: expected one of central\|province, got 'city'"):
        args("source=a", "target=b", "amount=1", "level=city")


def test_malformed_pairs_and_repeats_are_refused() -> None:
    with pytest.raises(CliError, match="expected NAME=VALUE"):
        args("amount")
    with pytest.raises(CliError, match="amount: given twice"):
        args("amount=1", "amount=2")


def test_pairs_override_the_args_file_and_its_names_are_checked() -> None:
    got = args("amount=7", base={"source": "a", "target": "b", "amount": 1})
    assert got["amount"] == 7
    with pytest.raises(CliError, match=r"bogus: settlement\.transfer has no such argument"):
        args(base={"source": "a", "target": "b", "amount": 1, "bogus": 2})


@given(st.integers(min_value=-(2**53), max_value=2**53))
def test_any_integer_text_reads_back_as_that_integer(n: int) -> None:
    assert coerce("amount", str(n), SCHEMA["properties"]["amount"], SCHEMA) == n


@given(st.text(min_size=0, max_size=40))
def test_any_text_for_a_string_argument_is_taken_verbatim(text: str) -> None:
    assert coerce("source", text, SCHEMA["properties"]["source"], SCHEMA) == text


def test_the_signature_puts_required_arguments_first() -> None:
    assert signature(SCHEMA).startswith("source=<string> target=<string> amount=<integer> [")
