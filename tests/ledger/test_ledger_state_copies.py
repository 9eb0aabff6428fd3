"""State keeps decoded values beside canonical bytes: readers and writers never share objects."""

from __future__ import annotations

import datetime as dt

import pytest
from ledger_kit import NOT_BEFORE

from ledger.crypto import PrivateKey
from ledger.encoding import NotPlain, canonical, check, plain_copy
from ledger.exceptions import CertificateError, EncodingError
from ledger.identity import check_member_certificate, create_org_ca, issue_member_certificate
from ledger.state import MemoryState, Overlay


@pytest.fixture(params=["memory", "overlay"])
def state(request: pytest.FixtureRequest) -> MemoryState | Overlay:
    return MemoryState() if request.param == "memory" else Overlay(MemoryState())


def test_mutating_a_read_value_does_not_change_state(state: MemoryState | Overlay) -> None:
    state.put("a/1", {"balance": 5, "tags": ["x"], "inner": {"n": 1}})
    got = state.get("a/1")
    got["balance"] = 99
    got["tags"].append("y")
    got["inner"]["n"] = 2
    assert state.get("a/1") == {"balance": 5, "tags": ["x"], "inner": {"n": 1}}
    scanned = dict(state.scan("a/"))
    scanned["a/1"]["tags"].append("z")
    assert state.get("a/1")["tags"] == ["x"]


def test_mutating_a_written_value_after_put_does_not_change_state(
    state: MemoryState | Overlay,
) -> None:
    value = {"balance": 5, "tags": ["x"]}
    state.put("a/1", value)
    value["balance"] = 6
    value["tags"].append("y")
    assert state.get("a/1") == {"balance": 5, "tags": ["x"]}


def test_tuples_read_back_as_lists_as_decoding_would_make_them(
    state: MemoryState | Overlay,
) -> None:
    state.put("a/1", {"pair": (1, 2)})
    assert state.get("a/1") == {"pair": [1, 2]}


def test_values_outside_the_subset_are_refused_with_their_path(
    state: MemoryState | Overlay,
) -> None:
    with pytest.raises(EncodingError, match=r"\$\.amount"):
        state.put("a/1", {"amount": 1.5})
    with pytest.raises(EncodingError, match="outside"):
        state.put("a/1", {"amount": 2**60})
    assert state.get("a/1") is None


def test_overlay_writes_are_copies_in_key_order() -> None:
    overlay = Overlay(MemoryState({"a/0": {"n": 0}}))
    overlay.put("a/2", {"n": 2})
    overlay.put("a/1", {"n": 1})
    overlay.delete("a/0")
    writes = overlay.writes()
    assert writes == (("a/0", None), ("a/1", {"n": 1}), ("a/2", {"n": 2}))
    writes[1][1]["n"] = 7
    assert overlay.get("a/1") == {"n": 1}


def test_peek_sees_the_same_value_as_get_through_overlays() -> None:
    base = MemoryState({"m/1": {"role": "keeper"}})
    block = Overlay(base)
    tx = Overlay(block)
    block.put("m/2", {"role": "admin"})
    assert tx.peek("m/1") == tx.get("m/1") == {"role": "keeper"}
    assert tx.peek("m/2") == {"role": "admin"}
    tx.delete("m/1")
    assert tx.peek("m/1") is None


def test_stored_bytes_are_the_canonical_bytes() -> None:
    base = MemoryState()
    base.put("k", {"b": [1, "é"], "a": True})
    assert dict(base.items())["k"] == canonical({"a": True, "b": [1, "é"]})


def test_plain_copy_refuses_what_it_cannot_vouch_for() -> None:
    for bad in ({"a": 1.5}, [2**53], {1: "x"}, {"a": "\ud800"}, {"\ud800": 1}, b"x"):
        with pytest.raises(NotPlain):
            plain_copy(bad)


def test_a_key_with_a_lone_surrogate_is_refused() -> None:
    with pytest.raises(EncodingError, match="lone surrogate"):
        check({"\ud800": 1})


def test_a_remembered_certificate_check_still_checks_time_and_revocation() -> None:
    ca_key = PrivateKey.from_seed(b"copies/ca")
    ca_cert = create_org_ca("coopz", "cooperative", ca_key, not_before=NOT_BEFORE, serial=1)
    member_cert = issue_member_certificate(
        ca_cert, ca_key, "coopz.ann", "keeper", PrivateKey.from_seed(b"ann").public_key(),
        not_before=NOT_BEFORE, serial=2,
    )
    at = member_cert.not_valid_before_utc + dt.timedelta(days=1)
    record = check_member_certificate(member_cert, ca_cert, at=at)
    assert check_member_certificate(member_cert, ca_cert, at=at) == record
    with pytest.raises(CertificateError, match="revoked"):
        check_member_certificate(
            member_cert, ca_cert, at=at, revoked_serials={member_cert.serial_number}
        )
    with pytest.raises(CertificateError, match="not valid at"):
        check_member_certificate(
            member_cert, ca_cert, at=member_cert.not_valid_after_utc + dt.timedelta(days=1)
        )
