"""Readers as data: the declaration every contract makes of who reads its records, the
check at registration, and who the table says may read a stored value."""

from __future__ import annotations

from typing import Any

import pytest

from contracts import Contract, Readable, Record, RegistrationError
from contracts.readers import NOBODY, PUBLIC, Readers, ReaderTable
from contracts.registry import check_contract_class, discover


class Loan(Record):
    loan_id: str
    bank: str
    borrower: str
    guarantors: tuple[str, ...] = ()


class Insurance(Record):
    insurer: str


class Receipt(Record):
    holder: str
    insurance: Insurance | None = None


def contract_declaring(readers: Any) -> type[Contract]:
    return type("Book", (Contract,), {"name": "book", "version": "1", "readers": readers})


@pytest.mark.parametrize(
    ("readers", "message"),
    [
        (None, "does not declare who may read its records"),
        ([Readable("loan/{id}", Loan)], "must be a tuple of contracts.readers.Readable"),
        ((Readable("loan/{id}", Loan, parties=("lender",)),),
         "party 'lender' is neither a field of Loan nor a placeholder"),
        ((Readable("receipt/{id}", Receipt, parties=("insurance.broker",)),),
         "party 'insurance.broker' is neither a field of Receipt"),
        ((Readable("loan/{id}", parties=("bank",)),),
         "party 'bank' is not a placeholder of the pattern, and no record type"),
        ((Readable("loan/{id}", Loan, via=("order/{order_id}",)),),
         "via 'order/{order_id}' names 'order_id'"),
        ((Readable("lien/{asset}", public=True, parties=("asset",)),),
         "a public record names no parties"),
        ((Readable("{kind}/{id}", Loan),), "must start with literal text"),
        ((Readable("loan/{id}", Loan), Readable("loan/{id}", Loan)), "declared twice"),
    ],
)
def test_a_contract_whose_records_do_not_declare_readers_is_refused(
    readers: Any, message: str
) -> None:
    with pytest.raises(RegistrationError, match=message.replace("(", r"\(").replace("{", r"\{")):
        check_contract_class(contract_declaring(readers))


def test_every_installed_contract_declares_its_readers() -> None:
    for cls in discover().values():
        assert cls.readers, f"{cls.name} declares no readers"


TABLE = ReaderTable({
    "loans": (
        Readable("loan/{loan_id...}", Loan, parties=("bank", "borrower", "guarantors")),
        Readable("receipt/{id}", Receipt, parties=("holder", "insurance.insurer")),
        Readable("lien/{asset...}", public=True),
        Readable("note/{loan_id...}~{n}", parties=("n",), via=("loan/{loan_id}",)),
        Readable("totals", Loan),
    ),
})


def test_the_parties_a_record_names_read_it_member_ids_by_their_org() -> None:
    loan = {"loan_id": "l/1", "bank": "bank-a", "borrower": "coop-a.farmer-1",
            "guarantors": ["coop-b", "gov.finance"]}
    readers = TABLE.readers_of("loans/loan/l/1", loan)
    assert readers == Readers(orgs=frozenset({"bank-a", "coop-a", "coop-b", "gov"}))
    assert readers.allows("coop-a", "cooperative", "farmer")
    assert not readers.allows("bank-b", "bank", "loan_officer")


def test_a_nested_party_field_and_a_missing_optional_one() -> None:
    insured = {"holder": "coop-a", "insurance": {"insurer": "insurer"}}
    assert TABLE.readers_of("loans/receipt/r1", insured).orgs == {"coop-a", "insurer"}
    assert TABLE.readers_of("loans/receipt/r1", {"holder": "coop-a"}).orgs == {"coop-a"}


def test_public_records_and_undeclared_keys() -> None:
    assert TABLE.readers_of("loans/lien/receipt:r1", {"pledgee": "bank-a"}) == PUBLIC
    assert TABLE.readers_of("loans/totals", {"bank": "bank-a"}) == NOBODY  # no parties
    assert TABLE.readers_of("loans/unknown/1", {"bank": "bank-a"}) == NOBODY
    assert TABLE.readers_of("other/loan/1", {"bank": "bank-a"}) == NOBODY


def test_a_related_record_lends_its_readers_through_via() -> None:
    state = {"loans/loan/l1": {"loan_id": "l1", "bank": "bank-a", "borrower": "coop-a"}}
    readers = TABLE.readers_of("loans/note/l1~buyer", {"text": "x"}, state.get)
    assert readers.orgs == {"buyer", "bank-a", "coop-a"}
    assert TABLE.readers_of("loans/note/l1~buyer", None).orgs == {"buyer"}  # no lookup
