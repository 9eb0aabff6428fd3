"""The money interface's amount rule at its edges: what ``MoveArgs`` (every ``MOVE`` and
``COMPEL`` another contract invokes) accepts, at and one fen around 0 and
``MAX_AMOUNT``. ``Context.transfer`` skips a zero move before it builds one, so only a
contract invoking the operation itself (a compelled payment, a plug-in) meets this rule:
without this test no one noticed it accepting a move of nothing (tests/mutants.py,
"zero transfers accepted")."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.money import InvalidAmount, MoveArgs
from contracts.strategies import around
from contracts.types import MAX_AMOUNT

ACCOUNTS = {"source": "bank-a", "target": "coop-a"}


@given(amount=st.one_of(around(0, lo=-1), around(MAX_AMOUNT)))
def test_a_move_is_of_one_fen_up_to_the_maximum(amount: int) -> None:
    if 0 < amount <= MAX_AMOUNT:
        assert MoveArgs(amount=amount, **ACCOUNTS).amount == amount
    else:
        with pytest.raises(InvalidAmount):
            MoveArgs(amount=amount, **ACCOUNTS)


@pytest.mark.parametrize("amount", [True, 1.0, "1"])
def test_a_move_is_of_integer_fen(amount: object) -> None:
    with pytest.raises(InvalidAmount):
        MoveArgs(amount=amount, **ACCOUNTS)
