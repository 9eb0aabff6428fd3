"""Policies as data: evaluation against signers, the strict JSON form, and genesis
overrides that really change who may act."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.exceptions import RegistrationError
from contracts.genesis import ContractConfig
from contracts.policy import (
    AllOf,
    AnyOf,
    OutOf,
    Party,
    Policy,
    Principal,
    Role,
    all_of,
    any_of,
    out_of,
    party_names,
    policy_from_json,
    policy_to_json,
)
from contracts.testing import LedgerHarness, OrgSpec

OFFICER = Principal("bank-a.officer", "bank-a", "bank", "loan_officer")
RISK = Principal("bank-a.risk", "bank-a", "bank", "risk_officer")
OTHER_BANK = Principal("bank-b.officer", "bank-b", "bank", "loan_officer")
FARMER = Principal("coop-a.f1", "coop-a", "cooperative", "farmer")
ADJUSTER = Principal("insurer.adj", "insurer", "insurer", "adjuster")


@pytest.mark.parametrize(
    ("policy", "signers", "expected"),
    [
        (Role("bank", "loan_officer"), [OFFICER], True),
        (Role("bank", "loan_officer"), [RISK], False),
        (Role("bank", "*"), [RISK], True),
        (Role("*", "farmer"), [FARMER], True),
        (Role("insurer", "farmer"), [FARMER], False),
        (Role("bank", "loan_officer"), [FARMER, OFFICER], True),  # a co-signer counts
    ],
)
def test_role_policies_match_org_type_and_role(
    policy: Policy, signers: list[Principal], expected: bool
) -> None:
    assert policy.satisfied(signers, {}) is expected


@pytest.mark.parametrize(
    ("policy", "parties", "signers", "expected"),
    [
        (Party("lender"), {"lender": "bank-a"}, [OFFICER], True),  # member of the org
        (Party("lender"), {"lender": "bank-a"}, [OTHER_BANK], False),  # wrong bank
        (Party("holder"), {"holder": "coop-a.f1"}, [FARMER], True),  # the member itself
        (Party("holder"), {"holder": "coop-a.f2"}, [FARMER], False),
        (Party("holder"), {"holder": None}, [FARMER], False),  # nobody holds it
        (Party("holder"), {"holder": ["coop-b", "coop-a"]}, [FARMER], True),  # one of several
        (Party("lender", ("risk_officer",)), {"lender": "bank-a"}, [OFFICER], False),
        (Party("lender", ("risk_officer",)), {"lender": "bank-a"}, [RISK], True),
        (Party("lender", ("risk_officer",)), {"lender": "bank-b"}, [RISK], False),
    ],
)
def test_party_policies_match_the_resolved_party_and_its_roles(
    policy: Policy, parties: dict[str, Any], signers: list[Principal], expected: bool
) -> None:
    assert policy.satisfied(signers, parties) is expected


def test_a_party_the_action_does_not_resolve_is_a_registration_error() -> None:
    with pytest.raises(RegistrationError, match="does not resolve"):
        Party("ghost").satisfied([FARMER], {})


BANK_AND_INSURER = all_of(Role("bank", "loan_officer"), Role("insurer", "adjuster"))
BANK_OR_INSURER = any_of(Role("bank", "loan_officer"), Role("insurer", "adjuster"))
TWO_OF_THREE = out_of(
    2, Role("bank", "loan_officer"), Role("insurer", "adjuster"), Role("cooperative", "farmer")
)


@pytest.mark.parametrize(
    ("policy", "signers", "expected"),
    [
        (BANK_AND_INSURER, [OFFICER, ADJUSTER], True),
        (BANK_AND_INSURER, [OFFICER], False),
        (BANK_OR_INSURER, [ADJUSTER], True),
        (BANK_OR_INSURER, [FARMER], False),
        (TWO_OF_THREE, [FARMER, ADJUSTER], True),
        (TWO_OF_THREE, [FARMER], False),
        (TWO_OF_THREE, [FARMER, FARMER], False),  # the same role twice is one sub-policy
        (all_of(BANK_OR_INSURER, Party("holder")), [ADJUSTER, FARMER], True),
        (all_of(BANK_OR_INSURER, Party("holder")), [ADJUSTER], False),
    ],
)
def test_combinators_count_the_sub_policies_that_hold(
    policy: Policy, signers: list[Principal], expected: bool
) -> None:
    assert policy.satisfied(signers, {"holder": "coop-a"}) is expected


def test_policies_describe_themselves_for_unauthorized_messages() -> None:
    assert TWO_OF_THREE.describe() == (
        "2 out of (bank:loan_officer, insurer:adjuster, cooperative:farmer)"
    )
    assert Party("lender", ("admin",)).describe() == "party lender as admin"


def test_party_names_lists_every_party_a_policy_needs() -> None:
    assert party_names(all_of(Party("a"), any_of(Party("b"), Role("*", "admin")))) == {"a", "b"}


names = st.sampled_from(["admin", "farmer", "loan_officer", "*", "x-y"])


def policies() -> st.SearchStrategy[Policy]:
    leaves = st.one_of(
        st.builds(Role, st.sampled_from(["bank", "cooperative", "*"]), names),
        st.builds(
            Party, st.sampled_from(["holder", "lender"]), st.lists(names, max_size=2).map(tuple)
        ),
    )

    def extend(children: st.SearchStrategy[Policy]) -> st.SearchStrategy[Policy]:
        subs = st.lists(children, min_size=1, max_size=3).map(tuple)
        return st.one_of(
            st.builds(AllOf, subs),
            st.builds(AnyOf, subs),
            subs.flatmap(lambda ps: st.integers(1, len(ps)).map(lambda n: OutOf(n, ps))),
        )

    return st.recursive(leaves, extend, max_leaves=8)


@given(policies())
def test_policies_round_trip_through_json(policy: Policy) -> None:
    assert policy_from_json(policy_to_json(policy)) == policy


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "policy: must be an object"),
        ({}, "exactly one of"),
        ({"role": "admin", "party": "holder"}, "exactly one of"),
        ({"role": "admin", "org_typ": "bank"}, "unknown keys \\['org_typ'\\]"),
        ({"role": 3}, "policy.role: must be a non-empty string"),
        ({"role": ""}, "policy.role: must be a non-empty string"),
        ({"party": "holder", "roles": "admin"}, "policy.roles: must be a list"),
        ({"all": []}, "policy.all: must be a non-empty list"),
        ({"any": {"role": "admin"}}, "policy.any: must be a non-empty list"),
        ({"all": [{"role": "admin"}, {"rol": "x"}]}, "policy.all\\[1\\]: expected exactly one of"),
        (
            {"out_of": 3, "of": [{"role": "admin"}]},
            "policy.out_of: must be an integer between 1 and 1",
        ),
        ({"out_of": True, "of": [{"role": "admin"}]}, "policy.out_of"),
        ({"out_of": 1}, "policy.of: must be a non-empty list"),
    ],
)
def test_malformed_json_policies_are_refused_naming_the_bad_part(data: Any, message: str) -> None:
    with pytest.raises(RegistrationError, match=message):
        policy_from_json(data)


def test_a_role_without_org_type_means_any_org_type() -> None:
    assert policy_from_json({"role": "admin"}) == Role("*", "admin")


ORGS = [
    OrgSpec("gov", "government", (("pboc", "central_bank"), ("finance", "finance"))),
    OrgSpec("coop-a", "cooperative", (("f1", "farmer"),)),
]


def test_by_default_only_the_central_bank_may_issue() -> None:
    ledger = LedgerHarness(ORGS, ["membership", "settlement"])
    assert ledger.submit("gov.pboc", "settlement", "issue", account="gov", amount=5).committed
    refused = ledger.submit("gov.finance", "settlement", "issue", account="gov", amount=5)
    assert refused.code == "UNAUTHORIZED"
    assert refused.message == "settlement.issue requires government:central_bank"


def test_a_genesis_policy_override_changes_who_may_act() -> None:
    settlement = ContractConfig(
        name="settlement",
        version="1",
        policies={"issue": {"all": [{"role": "finance", "org_type": "government"}]}},
    )
    ledger = LedgerHarness(ORGS, ["membership", settlement])
    assert ledger.submit("gov.pboc", "settlement", "issue", account="gov", amount=5).code == (
        "UNAUTHORIZED"
    )
    assert ledger.submit("gov.finance", "settlement", "issue", account="gov", amount=5).committed
    assert ledger.balance("gov") == 5


def test_an_override_may_use_the_parties_the_action_resolves() -> None:
    settlement = ContractConfig(
        name="settlement",
        version="1",
        policies={"transfer": {"party": "owner", "roles": ["central_bank"]}},
        params={"treasury_roles": {"government": ["central_bank", "finance"]}},
    )
    ledger = LedgerHarness(ORGS, ["membership", settlement])
    ledger.submit("gov.pboc", "settlement", "issue", account="gov", amount=50)
    args = {"source": "gov", "target": "coop-a", "amount": 5}
    assert ledger.submit("gov.finance", "settlement", "transfer", **args).code == "UNAUTHORIZED"
    assert ledger.submit("gov.pboc", "settlement", "transfer", **args).committed
