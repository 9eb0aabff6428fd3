"""The labels ``contracts.reached`` gives a committed write (the reached-state checks
of every machine read these, so a wrong label would hide an unreached state)."""

from __future__ import annotations

from contracts.reached import missing, record_labels


def test_a_new_record_reaches_its_state_and_the_edge_from_new() -> None:
    state, labels = record_labels("warehouse_receipt/loan/l1", {"state": "APPLIED"}, None)
    assert state == "APPLIED"
    assert labels == ["loan:APPLIED", "loan:new->APPLIED"]


def test_a_changed_state_is_an_edge_and_an_unchanged_one_is_not() -> None:
    _, moved = record_labels("order_finance/order/o1", {"status": "PAID"}, "RECEIVABLE")
    _, stayed = record_labels("order_finance/order/o1", {"status": "PAID"}, "PAID")
    assert moved == ["order:PAID", "order:RECEIVABLE->PAID"]
    assert stayed == ["order:PAID"]


def test_a_closure_reason_is_its_own_label() -> None:
    value = {"state": "CLOSED", "closure": "REPAID"}
    _, labels = record_labels("warehouse_receipt/loan/l1", value, "DISBURSED")
    assert "loan:CLOSED/REPAID" in labels


def test_records_without_a_state_and_deletes_reach_nothing() -> None:
    assert record_labels("settlement/account/coop-a", {"balance": 5}, None) == (None, [])
    assert record_labels("registry/lien/wr:1", None, "ACTIVE") == (None, [])


def test_missing_names_each_label_seen_too_rarely_with_its_count() -> None:
    counts = {"loan:CLOSED": 5, "loan:DEFAULT": 2}
    assert missing(counts, ["loan:CLOSED", "loan:DEFAULT", "loan:MARGIN_CALL"], 3) == [
        "loan:DEFAULT (2)", "loan:MARGIN_CALL (0)"]
