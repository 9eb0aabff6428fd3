"""A half-signed envelope survives a crash of ``serve``: the co-signer still finds it.

The keeper signs a receipt that the collateral manager must co-sign and posts it to
the inbox; ``serve`` is then killed (SIGKILL: nothing flushed). After a restart the
collateral manager lists it, signs it, and the envelope commits.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat
from pathlib import Path

from api.client import Client, SubmitResults, load_member
from api.inbox import INBOX_FILE
from ledger.crypto import b64encode
from ledger.timefmt import format_time
from nodes.network_dir import init_network
from nodes.templates import TEMPLATES
from tests.api.serve_kit import ServeProcess

KEEPER, CM = "coop-a.keeper", "custodian.cm"


def test_a_posted_envelope_outlives_a_crash_and_commits_once_cosigned(tmp_path: Path) -> None:
    directory = tmp_path / "net"
    init_network(directory, TEMPLATES["lishui"](), seed="inbox-kept")
    serve = ServeProcess(directory, peers=4)
    try:
        serve.start()
        with Client(serve.url, load_member(directory, KEEPER)) as keeper:
            intake = keeper.call("warehouse_receipt", "record_intake", warehouse="coop-a",
                                 depositor="coop-a", commodity="paddy", grade="2",
                                 quantity=1_000, unit="kg", moisture_permille=140,
                                 pile="bay 9", received_at=format_time(
                                     dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)))
            assert intake.status == "committed", intake
            assert intake.height is not None
            assert intake.index is not None
            events = keeper.block(intake.height)["txs"][intake.index]["result"]["events"]
            lot_id = next(e["data"]["lot_id"] for e in events if e["type"] == "IntakeRecorded")
            envelope = keeper.builder().build("warehouse_receipt", "issue", {
                "warehouse": "coop-a", "lot_id": lot_id, "quantity": 1_000,
                "shrinkage_bp": 50, "storage_days": 300, "storage_fee": 0,
                "value": 2_600_00})
            posted = keeper.http.post("/v1/inbox", json={"envelope": envelope.to_json(),
                                                          "co_signers": [CM]})
            assert posted.status_code == 200, posted.text
        serve.kill()

        kept = directory / INBOX_FILE
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600  # half-signed intents: owner only

        serve.start()
        with Client(serve.url, load_member(directory, CM)) as cm:
            listed = cm.http.get("/v1/inbox").json()["items"]
            assert [i["tx_id"] for i in listed] == [envelope.tx_id]
            assert listed[0]["awaiting"] == [CM]
            sig = b64encode(load_member(directory, CM).key.sign(envelope.body_bytes))
            signed = cm.http.post(f"/v1/inbox/{envelope.tx_id}/signatures", json={"sig": sig})
            assert signed.json()["awaiting"] == [], signed.text
            done = cm.submit(signed.json()["envelope"], wait=True)
            assert isinstance(done, SubmitResults)
            assert done.results[0].status == "committed", done.results[0]
            assert cm.http.get("/v1/inbox").json() == {"items": []}  # submitted: dropped
        serve.stop()
        with sqlite3.connect(kept) as db:  # a submitted envelope is not kept on disk either
            assert db.execute("SELECT count(*) FROM awaiting").fetchone() == (0,)
        serve.start()  # and the dropped entry stays dropped
        with Client(serve.url, load_member(directory, KEEPER)) as keeper:
            assert keeper.http.get("/v1/inbox").json() == {"items": []}
    finally:
        serve.kill()
