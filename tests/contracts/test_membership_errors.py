"""Every membership error code, one case each: the code, and no state changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from contracts.genesis import ContractConfig
from contracts.testing import LedgerHarness, OrgSpec
from ledger.crypto import PrivateKey
from ledger.identity import certificate_to_pem, create_org_ca, issue_member_certificate

ORGS = [
    OrgSpec("gov", "government", (("admin", "admin"), ("pboc", "central_bank"))),
    OrgSpec("coop-a", "cooperative", (("admin", "admin"), ("mgr", "manager"), ("f1", "farmer"),
                                      ("f2", "farmer"))),
    OrgSpec("bank-a", "bank", (("admin", "admin"),)),
]
NOT_BEFORE = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)


@pytest.fixture
def chain() -> LedgerHarness:
    ledger = LedgerHarness(ORGS, ["membership"])
    assert ledger.submit("coop-a.admin", "membership", "revoke", member_id="coop-a.f2").committed
    return ledger


def new_certificate(ledger: LedgerHarness, org: str, name: str, role: str, **kw: object) -> str:
    cred = ledger.roster.orgs[org].add_member(name, role, seed="x", not_before=NOT_BEFORE)
    return certificate_to_pem(cred.certificate)


def forged(org: str, org_type: str) -> str:
    key = PrivateKey.from_seed(b"forger")
    ca = create_org_ca(org, org_type, key, not_before=NOT_BEFORE)
    cert = issue_member_certificate(
        ca, key, f"{org}.mole", "admin", PrivateKey.from_seed(b"mole").public_key(),
        not_before=NOT_BEFORE,
    )
    return certificate_to_pem(cert)


def expired(ledger: LedgerHarness) -> str:
    org = ledger.roster.orgs["coop-a"]
    cert = issue_member_certificate(
        org.ca_certificate, org.ca_key, "coop-a.old", "farmer",
        PrivateKey.from_seed(b"old").public_key(),
        not_before=NOT_BEFORE - dt.timedelta(days=30), validity=dt.timedelta(days=1),
    )
    return certificate_to_pem(cert)


def unlisted_org() -> str:
    key = PrivateKey.from_seed(b"stranger")
    ca = create_org_ca("stranger", "bank", key, not_before=NOT_BEFORE)
    cert = issue_member_certificate(
        ca, key, "stranger.admin", "admin", PrivateKey.from_seed(b"s").public_key(),
        not_before=NOT_BEFORE,
    )
    return certificate_to_pem(cert)


EnrolCase = tuple[str, str, Callable[[LedgerHarness], str]]
ENROL_CASES: list[EnrolCase] = [
    ("UNKNOWN_ROLE", "coop-a.admin",
     lambda h: new_certificate(h, "coop-a", "pilot", "loan_officer")),
    ("UNAUTHORIZED", "bank-a.admin", lambda h: new_certificate(h, "coop-a", "f3", "farmer")),
    ("UNAUTHORIZED", "coop-a.f1", lambda h: new_certificate(h, "coop-a", "f3", "farmer")),
    # the manager runs the coop's business but only its admin enrols
    ("UNAUTHORIZED", "coop-a.mgr", lambda h: new_certificate(h, "coop-a", "f3", "farmer")),
    ("CERTIFICATE_INVALID", "coop-a.admin", lambda h: forged("coop-a", "cooperative")),
    ("CERTIFICATE_INVALID", "coop-a.admin", expired),
    ("CERTIFICATE_INVALID", "coop-a.admin", lambda h: "-----BEGIN CERTIFICATE-----\nAAAA\n"),
    ("MEMBER_ALREADY_ENROLLED", "coop-a.admin", lambda h: certificate_to_pem(
        h.roster.member("coop-a.f1").certificate)),
    ("MEMBER_ALREADY_ENROLLED", "coop-a.admin", lambda h: certificate_to_pem(
        h.roster.member("coop-a.f2").certificate)),  # revoked ids are never reused
    ("SIGNER_REVOKED", "coop-a.f2", lambda h: new_certificate(h, "coop-a", "f3", "farmer")),
]


@pytest.mark.parametrize(
    ("code", "signer", "certificate"), ENROL_CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(ENROL_CASES)],
)
def test_each_enrolment_error_has_its_code_and_changes_nothing(
    chain: LedgerHarness, code: str, signer: str, certificate: Callable[[LedgerHarness], str]
) -> None:
    pem = certificate(chain)
    before = list(chain.store.state.scan(""))
    result = chain.submit(signer, "membership", "enrol", certificate=pem)
    assert result.code == code, result.message
    assert list(chain.store.state.scan("")) == before


REVOKE_CASES = [
    ("MEMBER_NOT_FOUND", "coop-a.admin", "coop-a.nobody"),
    ("MEMBER_ALREADY_REVOKED", "coop-a.admin", "coop-a.f2"),
    ("UNAUTHORIZED", "bank-a.admin", "coop-a.f1"),
    ("UNAUTHORIZED", "coop-a.f1", "coop-a.f1"),
    ("UNAUTHORIZED", "coop-a.mgr", "coop-a.f1"),
    ("INVALID_ARGUMENTS", "coop-a.admin", "no-dot"),
]


@pytest.mark.parametrize(("code", "signer", "member_id"), REVOKE_CASES)
def test_each_revocation_error_has_its_code_and_changes_nothing(
    chain: LedgerHarness, code: str, signer: str, member_id: str
) -> None:
    before = list(chain.store.state.scan(""))
    result = chain.submit(signer, "membership", "revoke", member_id=member_id)
    assert result.code == code, result.message
    assert list(chain.store.state.scan("")) == before


def test_an_enrolled_member_can_act_and_a_revoked_one_cannot(chain: LedgerHarness) -> None:
    pem = new_certificate(chain, "coop-a", "f3", "farmer")
    assert chain.submit("coop-a.admin", "membership", "enrol", certificate=pem).committed
    assert chain.view("membership", "member", member_id="coop-a.f3")["role"] == "farmer"
    assert chain.submit("coop-a.f3", "membership", "revoke", member_id="coop-a.f1").code == (
        "UNAUTHORIZED"
    )
    assert chain.submit("coop-a.admin", "membership", "revoke", member_id="coop-a.f3").committed
    assert chain.submit("coop-a.f3", "membership", "revoke", member_id="coop-a.f1").code == (
        "SIGNER_REVOKED"
    )
    chain.check_invariants()


def test_the_member_view_of_an_unknown_member_is_member_not_found(chain: LedgerHarness) -> None:
    from contracts.builtin.membership.contract import MemberNotFound

    with pytest.raises(MemberNotFound):
        chain.view("membership", "member", member_id="coop-a.nobody")


def test_enrolling_into_an_unlisted_org_is_org_not_found() -> None:
    """Only reachable when a genesis override lets someone outside the org enrol."""
    override = {
        "any": [{"party": "org", "roles": ["admin"]}, {"role": "admin", "org_type": "government"}]
    }
    ledger = LedgerHarness(
        ORGS, [ContractConfig(name="membership", version="1", policies={"enrol": override})]
    )
    before = list(ledger.store.state.scan(""))
    result = ledger.submit("gov.admin", "membership", "enrol", certificate=unlisted_org())
    assert result.code == "ORG_NOT_FOUND"
    assert list(ledger.store.state.scan("")) == before
