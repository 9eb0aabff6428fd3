"""Tampering with a real chain file is caught by ``agriledger verify`` naming the block.

A 20-block chain is written to SQLite once; each test copies it, edits one thing
directly with sqlite3 (as an attacker with the file would), and runs the installed
console script as a subprocess. Variants of the same tampering call ``verify_store``
in-process (the function the command runs) to keep the tier fast.
"""

from __future__ import annotations

import base64
import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from ledger_kit import append_next, builder_for, default_members, genesis_for, standard_block_txs

from ledger import SqliteStore
from ledger.exceptions import VerificationError
from ledger.verify import verify_store

pytestmark = pytest.mark.integration

BLOCKS = 20
TXS_PER_BLOCK = 3
AGRILEDGER = Path(sys.executable).parent / "agriledger"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("chain") / "pristine.db"
    members = default_members()
    store = SqliteStore(path)
    store.append(genesis_for(members))
    builder = builder_for(store)
    for height in range(1, BLOCKS + 1):
        append_next(builder, standard_block_txs(members, height, TXS_PER_BLOCK))
    store.close()
    return path


@pytest.fixture
def chain(pristine: Path, tmp_path: Path) -> Path:
    path = tmp_path / "peer.db"
    shutil.copyfile(pristine, path)
    return path


def _run_verify(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(AGRILEDGER), "verify", str(path)],
        capture_output=True, text=True, timeout=60, check=False,
    )


def _verify_in_process(path: Path) -> str:
    store = SqliteStore(path, readonly=True)
    try:
        return verify_store(store).summary()
    except VerificationError as exc:
        return f"FAILED: {exc}"
    finally:
        store.close()


@pytest.fixture
def db(chain: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(chain)) as conn:
        yield conn


def _edit_json(
    conn: sqlite3.Connection, table: str, column: str, where: str, params: tuple[object, ...],
    change: Callable[[dict[str, object]], None],
) -> None:
    (text,) = conn.execute(f"SELECT {column} FROM {table} WHERE {where}", params).fetchone()
    data = json.loads(text)
    change(data)
    with conn:
        conn.execute(
            f"UPDATE {table} SET {column} = ? WHERE {where}", (json.dumps(data), *params)
        )


def test_untouched_chain_verifies_with_the_summary_line(chain: Path) -> None:
    store = SqliteStore(chain, readonly=True)
    head = store.head()
    assert head is not None
    store.close()
    done = _run_verify(chain)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == (
        f"OK: {BLOCKS + 1} blocks, {BLOCKS * TXS_PER_BLOCK} txs, head {head.hash()}"
    )


def test_edited_header_field_is_reported_at_its_block(
    chain: Path, db: sqlite3.Connection
) -> None:
    _edit_json(db, "blocks", "header", "height = ?", (5,),
               lambda h: h.__setitem__("time", "2026-05-02T00:00:00Z"))
    done = _run_verify(chain)
    assert done.returncode == 1
    assert done.stdout.startswith("FAILED: block 5: block hash does not match its header")


@pytest.mark.parametrize(
    ("field", "value"),
    [("state_hash", "00" * 32), ("tx_root", "11" * 32), ("results_root", "22" * 32),
     ("chain_id", "agri-other"), ("cut", {"orderer": "mallory", "seq": 5, "reason": "size"})],
)
def test_any_edited_header_field_breaks_the_block_hash(
    chain: Path, db: sqlite3.Connection, field: str, value: object
) -> None:
    _edit_json(db, "blocks", "header", "height = ?", (5,), lambda h: h.__setitem__(field, value))
    assert _verify_in_process(chain) == "FAILED: block 5: block hash does not match its header"


def test_edited_header_with_a_recomputed_hash_breaks_the_next_link(
    chain: Path, db: sqlite3.Connection
) -> None:
    from ledger.block import BlockHeader

    (text,) = db.execute("SELECT header FROM blocks WHERE height = 5").fetchone()
    header = json.loads(text)
    header["time"] = "2026-05-02T00:00:00Z"
    forged = BlockHeader.from_json(header)
    with db:
        db.execute("UPDATE blocks SET header = ?, hash = ? WHERE height = 5",
                   (forged.canonical_bytes().decode(), forged.hash()))
    assert _verify_in_process(chain) == (
        "FAILED: block 6: prev_hash does not link to the previous block"
    )


def test_edited_tx_argument_is_reported_at_its_block(chain: Path, db: sqlite3.Connection) -> None:
    def double(envelope: dict[str, object]) -> None:
        body = envelope["tx"]
        assert isinstance(body, dict)
        body["args"]["value"] = {"height": 7, "index": 999}

    _edit_json(db, "txs", "envelope", "height = ? AND idx = ?", (7, 1), double)
    done = _run_verify(chain)
    assert done.returncode == 1
    assert "block 7: tx 1: stored tx_id is not the hash of its body" in done.stdout


def test_edited_tx_argument_with_a_rewritten_tx_id_no_longer_matches_its_result(
    chain: Path, db: sqlite3.Connection
) -> None:
    from ledger import Envelope

    (text,) = db.execute("SELECT envelope FROM txs WHERE height = 7 AND idx = 1").fetchone()
    wire = json.loads(text)
    wire["tx"]["args"]["value"] = {"height": 7, "index": 999}
    forged = Envelope.parse(wire)
    with db:
        db.execute("UPDATE txs SET envelope = ?, tx_id = ? WHERE height = 7 AND idx = 1",
                   (json.dumps(wire), forged.tx_id))
    assert _verify_in_process(chain) == "FAILED: block 7: tx 1: result does not belong to its tx"


def test_flipped_signature_byte_is_reported_at_its_block(
    chain: Path, db: sqlite3.Connection
) -> None:
    def flip(envelope: dict[str, object]) -> None:
        signatures = envelope["signatures"]
        assert isinstance(signatures, list)
        sig = bytearray(base64.b64decode(signatures[0]["sig"]))
        sig[10] ^= 0x01
        signatures[0]["sig"] = base64.b64encode(bytes(sig)).decode()

    _edit_json(db, "txs", "envelope", "height = ? AND idx = ?", (9, 0), flip)
    done = _run_verify(chain)
    assert done.returncode == 1
    assert "block 9: tx 0: committed but BAD_SIGNATURE" in done.stdout


def test_edited_stored_result_is_reported_at_its_block(
    chain: Path, db: sqlite3.Connection
) -> None:
    def rewrite(result: dict[str, object]) -> None:
        result["writes"] = [["kv/h11-2", {"height": 11, "index": 2, "extra": 1}]]

    _edit_json(db, "txs", "result", "height = ? AND idx = ?", (11, 2), rewrite)
    done = _run_verify(chain)
    assert done.returncode == 1
    assert "block 11: results_root mismatch" in done.stdout


def test_edited_state_row_is_reported_at_the_block_that_wrote_it(
    chain: Path, db: sqlite3.Connection
) -> None:
    with db:
        db.execute("UPDATE state SET value = ? WHERE key = ?",
                   ('{"height":13,"index":0,"stolen":true}', "kv/h13-0"))
    done = _run_verify(chain)
    assert done.returncode == 1
    assert "block 13: state row 'kv/h13-0' differs from the rebuilt state" in done.stdout


def test_deleted_block_is_reported_as_missing(chain: Path, db: sqlite3.Connection) -> None:
    with db:
        db.execute("DELETE FROM blocks WHERE height = 15")
        db.execute("DELETE FROM txs WHERE height = 15")
    done = _run_verify(chain)
    assert done.returncode == 1
    assert "block 15: block missing from the chain" in done.stdout


def test_deleted_block_header_alone_is_reported_as_missing(
    chain: Path, db: sqlite3.Connection
) -> None:
    with db:
        db.execute("DELETE FROM blocks WHERE height = 15")
    assert _verify_in_process(chain) == "FAILED: block 15: block missing from the chain"


def test_deleted_middle_tx_is_reported_at_its_block(chain: Path, db: sqlite3.Connection) -> None:
    with db:
        db.execute("DELETE FROM txs WHERE height = 3 AND idx = 1")
    assert _verify_in_process(chain) == "FAILED: block 3: tx 1 missing"


def test_deleted_head_block_is_reported_by_its_leftover_tx_rows(
    chain: Path, db: sqlite3.Connection
) -> None:
    with db:
        db.execute("DELETE FROM blocks WHERE height = ?", (BLOCKS,))
    assert _verify_in_process(chain) == (
        f"FAILED: block {BLOCKS}: {TXS_PER_BLOCK} tx rows stored outside the chain's blocks"
    )
