"""The private-field scheme and store: salted hashes, side-car checks, purge (real SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.private import (
    PrivateDataRefused,
    PrivateField,
    PrivateStore,
    bind_to_args,
    field_hash,
    parse_fields,
    seal,
    seal_args,
)

ID = "330102199001011234"


def test_sealing_salts_each_field_so_equal_values_get_unrelated_hashes() -> None:
    a, b = seal("id_number", ID), seal("id_number", ID)
    assert a.hash != b.hash
    assert len(bytes.fromhex(a.salt)) == 16
    assert a.matches()
    assert field_hash("id_number", ID, a.salt) == a.hash
    assert field_hash("phone", ID, a.salt) != a.hash  # the field name is hashed too


def test_seal_args_replaces_personal_values_by_hashes_and_returns_the_side_car() -> None:
    args = {"policy_id": "p", "covers": [{"insured": "c.h1",
                                          "personal": {"name": "Li", "id_number": ID}}]}
    sealed_args, fields = seal_args(args)
    personal = sealed_args["covers"][0]["personal"]
    assert {f.field for f in fields} == {"name", "id_number"}
    assert {personal[f.field] for f in fields} == {f.hash for f in fields}
    assert ID not in repr(sealed_args)
    assert args["covers"][0]["personal"]["id_number"] == ID  # the caller's args untouched
    bind_to_args(fields, sealed_args)


def test_a_side_car_is_refused_naming_the_field_and_rule() -> None:
    good = seal("id_number", ID)
    with pytest.raises(PrivateDataRefused) as wrong_value:
        parse_fields([{**good.to_json(), "value": "330102199001019999"}])
    assert (wrong_value.value.path, wrong_value.value.code) == (
        "$.private[0].hash", "PRIVATE_HASH_MISMATCH")
    with pytest.raises(PrivateDataRefused) as short_salt:
        parse_fields([{**good.to_json(), "salt": "00" * 8}])
    assert short_salt.value.path == "$.private[0].salt"
    with pytest.raises(PrivateDataRefused) as elsewhere:
        bind_to_args([good], {"covers": [{"personal": {"phone": good.hash}}]})
    assert elsewhere.value.code == "PRIVATE_HASH_NOT_IN_TX"  # right hash, wrong field
    with pytest.raises(PrivateDataRefused) as absent:
        bind_to_args([good], {"covers": [{"personal": {"id_number": seal("x", "y").hash}}]})
    assert absent.value.code == "PRIVATE_HASH_NOT_IN_TX"


def test_purge_overwrites_the_plaintext_in_the_file_and_a_purged_hash_is_not_stored_again(
    tmp_path: Path,
) -> None:
    store = PrivateStore.open(tmp_path)
    fields = [seal("id_number", ID), seal("bank_card", "6222020200112233445")]
    store.put("tx1", fields, ["coop-a", "insurer"])
    path = tmp_path / "private.db"
    assert ID.encode() in path.read_bytes()
    record = store.get(fields[0].hash)
    assert record is not None
    assert record.readers == ("coop-a", "insurer")
    assert store.purge([fields[0].hash], "tx9") == 1
    assert store.get(fields[0].hash) is None
    assert ID.encode() not in path.read_bytes()
    store.put("tx1", fields[:1], ["coop-a"])  # a late copy of the side-car
    assert store.get(fields[0].hash) is None
    assert store.get(fields[1].hash) is not None
    store.close()
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_a_rejected_txs_side_car_is_discarded() -> None:
    store = PrivateStore(None)
    kept, dropped = seal("name", "Li"), seal("name", "Wang")
    store.put("tx-ok", [kept], ["coop-a"])
    store.put("tx-bad", [dropped], ["coop-a"])
    assert store.discard_tx("tx-bad") == 1
    assert list(store.hashes()) == [kept.hash]
    record = store.get(kept.hash)
    assert record is not None
    assert record.sealed == PrivateField("name", "Li", kept.salt, kept.hash)
