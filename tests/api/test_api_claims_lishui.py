"""A new user's claim on a fresh lishui network, served by real uvicorn on loopback: from
budget programmes and enrolment to payout, with no edit of genesis.json, through the
Python client (api/client.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from api.schemas import TxState
from ledger.timefmt import format_time
from tests.api.conftest import Served, start_network

FARMER = "coop-a.farmer-1"


@pytest.fixture(scope="module")
def lishui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = start_network(tmp_path_factory.mktemp("lishui") / "net", template="lishui")
    try:
        yield server
    finally:
        server.stop()


def now(after: dt.timedelta = dt.timedelta()) -> str:
    return format_time(dt.datetime.now(dt.UTC) + after)


def commit(served: Served, member: str, action: str, *, contract: str = "claims",
           co_signers: tuple[str, ...] = (), **args: Any) -> None:
    with served.client(member) as client:
        status = client.call(contract, action, co_signers=[served.member(m) for m in co_signers],
                             **args)
    assert status.status is TxState.COMMITTED, f"{action}: {status.code} {status.message}"


def test_a_claim_goes_from_enrolment_to_payout_on_the_lishui_template(lishui: Served) -> None:
    for account in ("gov", "coop-a", "insurer"):
        commit(lishui, "gov.pboc", "issue", contract="settlement", account=account,
               amount=1_000_000_00)
    year = dt.datetime.now(ZoneInfo("Asia/Shanghai")).year
    for level in ("central", "province", "county"):
        commit(lishui, "gov.finance", "publish_programme", programme=f"{level}-{year}",
               level=level, purpose="premium", fiscal_year=year, budget=100_000_00)
    commit(lishui, "coop-a.manager", "enrol", policy_id="rice", insurer="insurer",
           book="lishui-rice", crop="rice", region="lishui", period_start=now(),
           period_end=now(dt.timedelta(days=180)), perils=["typhoon"],
           sum_insured_per_mu=500_00, premium_per_mu=15_00, stage_caps={"tillering": 8_000},
           province_share_bp=3_000, county_share_bp=1_500,
           covers=[{"insured": FARMER, "insured_area": 10_00, "planted_area": 10_00}])
    commit(lishui, "insurer.underwriter", "underwrite", policy_id="rice")
    commit(lishui, "insurer.underwriter", "publicise_underwriting", policy_id="rice")
    for level in ("central", "province", "county"):
        commit(lishui, "gov.finance", "pay_premium_share", policy_id="rice", level=level,
               programme=f"{level}-{year}")
    commit(lishui, "coop-a.manager", "pay_premium_share", policy_id="rice", level="farmer")
    with lishui.client(FARMER) as client:
        assert client.view("claims", "policy", policy_id="rice")["state"] == "ACTIVE"
        before = client.view("settlement", "balance", account=FARMER)
    claim = {"claim_id": "typhoon-1"}
    commit(lishui, "coop-a.manager", "report_loss", **claim, policy_id="rice", peril="typhoon",
           occurred_at=now())
    commit(lishui, "insurer.adjuster", "survey", **claim, evidence=["a1" * 32])
    commit(lishui, "insurer.adjuster", "assess_household", **claim, insured=FARMER,
           loss_bp=5_000, damaged_area=10_00, stage="tillering", evidence=["b2" * 32])
    commit(lishui, "gov.agri", "verify", **claim, co_signers=("coop-a.manager",))
    commit(lishui, "insurer.claims", "publicise_claim", **claim)
    commit(lishui, FARMER, "sign_agreement", **claim, insured=FARMER)
    commit(lishui, "insurer.claims", "pay", **claim, insured=FARMER)
    with lishui.client(FARMER) as client:
        after = client.view("settlement", "balance", account=FARMER)
    # 10 mu x 500 CNY x 80 % tillering cap x 50 % loss = 2,000 CNY
    assert _fen(after) - _fen(before) == 2_000_00


def _fen(balance: Any) -> int:
    return int(balance["balance"] if isinstance(balance, dict) else balance)

