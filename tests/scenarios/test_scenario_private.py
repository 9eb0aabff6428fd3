"""A simulated season's enrolment sends the households' personal data as a side-car: the
plaintext is only in the private stores of the enrolling cooperative's, the insurer's and
the government's peers, never in a chain.db; same seed, same head (seeded salts)."""

from __future__ import annotations

from pathlib import Path

from scenarios.agents.insurance import personal_data
from scenarios.catalog import load
from scenarios.runner import run_scenario

SCENARIO = """\
name: private-enrolment
description: Two cooperatives enrol their households; nothing else happens.
seed: 3
start: "2026-06-01T00:00:00Z"
days: 3
network:
  chain_id: private-test
  organisations:
    - {id: gov, type: government, members: {admin: admin, treasurer: treasurer,
       pboc: central_bank, finance: finance, agri: agriculture}}
    - {id: insurer, type: insurer, members: {admin: admin, treasurer: treasurer,
       underwriter: underwriter, adjuster: adjuster, claims: claims_manager}}
    - {id: bank, type: bank, members: {admin: admin, treasurer: treasurer, officer: loan_officer}}
    - {id: coop-a, type: cooperative, members: {admin: admin, treasurer: treasurer,
       manager: manager}}
    - {id: coop-b, type: cooperative, members: {admin: admin, treasurer: treasurer,
       manager: manager}}
populations:
  - {kind: farmers, count: 4, villages: 2, organisations: [coop-a, coop-b],
     crops: {rice: 1.0}, acreage_mu: [5, 10]}
agents:
  insurance: {enabled: true, enrol_day: 1, disaster_day: 30, dispute: false, late_survey: false}
expect:
  - {kind: heads_equal}
"""


def test_a_simulated_enrolment_keeps_personal_data_off_chain_and_at_entitled_peers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "private.yaml"
    path.write_text(SCENARIO)
    result = run_scenario(load(str(path)), db_dir=tmp_path / "db")
    assert result.passed, [v for v in result.verdicts if not v.ok]
    households = [h for h in result.world.households if h.org == "coop-a"]
    assert households
    for household in households:
        id_number = personal_data(household)["id_number"].encode()
        for org in ("coop-a", "insurer", "gov"):
            assert id_number in (tmp_path / "db" / f"{org}.peer" / "private.db").read_bytes()
        for org in ("bank", "coop-b"):
            assert id_number not in (tmp_path / "db" / f"{org}.peer" / "private.db").read_bytes()
        for chain in (tmp_path / "db").glob("*/chain.db*"):
            assert id_number not in chain.read_bytes(), chain
    again = run_scenario(load(str(path)))
    assert again.head_hash == result.head_hash
