"""Disaster-loss insurance over a season: group policies, a typhoon, claims, payouts, a dispute.

Each cooperative enrols its households (and itself, for the goods it stores)
in a group policy with the insurer; the insurer underwrites and publicises the
insured list; central, provincial and county governments and the farmers pay
their premium shares, each government level from a budget programme it publishes
for the fiscal year. When the county declares a typhoon, each cooperative
reports the loss (a household's own second report of the same typhoon is refused
as a duplicate); the adjuster surveys (one cooperative's survey can be late,
which is recorded as a breach), assesses every household, the county's
agriculture bureau and the cooperative co-sign the verification, the claim is
publicised, each household signs its agreement and is paid, loss payee first.
A household that disputes its assessment opens a dispute; the mediation
committee seals an agreement and the claim pays once the dispute is performed.
At season end each policy expires and, once no claim on it is open, the insurer
closes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any, Literal

from contracts.builtin.claims.models import (
    AssessArgs,
    BookArgs,
    BreachArgs,
    ClaimArgs,
    DeclareArgs,
    HouseholdArgs,
    PolicyArgs,
    PremiumShareArgs,
    PublishProgrammeArgs,
    ReportArgs,
    SurveyArgs,
)
from contracts.builtin.disputes.models import (
    DisputeArgs,
    OpenArgs,
    SignAgreementArgs,
    TermArgs,
)
from ledger.timefmt import parse_time
from scenarios.agents.base import AgentKit
from scenarios.engine import Outcome, Story, Tx, Wait, ok
from scenarios.world import Household

CL = "claims"
STAGE_CAPS = {"transplant": 6000, "tillering": 8000, "heading": 10000}




def evidence(*parts: object) -> str:
    """Content hash of an off-chain document (a photo, a survey form)."""
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()


def _gov_member(kit: AgentKit, level: str, role: str) -> str:
    org = kit.world.scenario.agents.insurance.government_accounts[level]
    return kit.member(org, role)


Level = Literal["central", "province", "county"]
Purpose = Literal["premium", "loss_share"]
LEVELS: tuple[Level, ...] = ("central", "province", "county")
LOSS_LEVEL: Level = "province"


def _programme(level: str, purpose: str) -> str:
    return f"{level}-{purpose}"


def _season_end(kit: AgentKit) -> float:
    """The policies' period ends two days before the scenario does, so expiry shows."""
    return kit.world.scenario.days - 2


def budget_story(kit: AgentKit) -> Story:
    """Each level's finance bureau publishes its premium-subsidy budget for the fiscal year
    (and the loss-sharing level its loss-share budget): shares are paid only from these."""
    year = int(kit.world.scenario.start[:4])
    wanted: list[tuple[Level, Purpose]] = [(level, "premium") for level in LEVELS]
    wanted.append((LOSS_LEVEL, "loss_share"))
    for level, purpose in wanted:
        yield Tx(_gov_member(kit, level, "finance"), CL, "publish_programme", PublishProgrammeArgs(
            programme=_programme(level, purpose),
            level=level,
            purpose=purpose,
            fiscal_year=year,
            budget=10_000_000 * 100,
        ))


def season_end_story(kit: AgentKit, coop: str, insurer: str) -> Story:
    """Anyone records the expiry; the insurer closes the policy if no claim is open."""
    policy_id = kit.board.get(("policy", coop))
    if policy_id is None:
        return
    outcome = yield Tx(kit.member(coop, "manager"), CL, "expire_policy",
                       PolicyArgs(policy_id=policy_id))
    if ok(outcome):
        yield Tx(kit.member(insurer, "claims_manager"), CL, "close_policy",
                 PolicyArgs(policy_id=policy_id))


def personal_data(household: Household) -> dict[str, str]:
    """Synthetic personal data of a generated household, derived from its member id (not
    from the scenario's RNG, so the agents' draws are unchanged): it is enrolled as salted
    hashes, the values reach only the entitled organisations' peers."""
    digits = str(int(hashlib.sha256(household.member_id.encode()).hexdigest(), 16))
    return {
        "name": f"Farmer {household.member_id.split('.', 1)[-1]}",
        "id_number": f"3311{digits[:14]}",
        "phone": f"13{digits[14:23]}",
        "bank_card": f"6228{digits[23:38]}",
        "plot_location": f"{household.village} plot {int(digits[38:41]) + 1}",
    }


def policy_story(kit: AgentKit, coop: str, insurer: str, households: list[Household]) -> Story:
    spec = kit.world.scenario.agents.insurance
    manager = kit.member(coop, "manager")
    underwriter = kit.member(insurer, "underwriter")
    covers: list[dict[str, Any]] = []
    for household in households:
        insured = household.acreage_mu * 100
        planted = insured if kit.rng.random() > spec.under_insured_probability else insured * 5 // 4
        covers.append(
            {"insured": household.member_id, "insured_area": insured, "planted_area": planted,
             "personal": personal_data(household)}
        )
    loan = kit.board.get(("pledge_loan", coop))
    if loan is not None:
        covers.append(
            {
                "insured": coop,
                "insured_area": spec.coop_own_area_mu * 100,
                "planted_area": spec.coop_own_area_mu * 100,
                "loss_payee": {"kind": "warehouse_receipt", "ref": loan},
            }
        )
    policy_id = f"policy-{coop}"
    outcome = yield Tx(  # private: the households' personal data goes as a side-car
        manager,
        CL,
        "enrol",
        {  # a mapping: the covers' personal data is plaintext until the driver seals it,
            # then the sealed args are checked against EnrolArgs before signing
            "policy_id": policy_id,
            "insurer": insurer,
            "book": spec.book,
            "crop": "rice",
            "region": _region(coop),
            "period_start": kit.time_at(0),
            "period_end": kit.time_at(_season_end(kit)),
            "perils": ["typhoon", "flood"],
            "sum_insured_per_mu": spec.sum_insured_per_mu_fen,
            "premium_per_mu": spec.premium_per_mu_fen,
            "stage_caps": STAGE_CAPS,
            "province_share_bp": spec.province_share_bp,
            "county_share_bp": spec.county_share_bp,
            "covers": covers,
        },
        private=True,
    )
    if not ok(outcome):
        return
    outcome = yield Tx(underwriter, CL, "underwrite", PolicyArgs(policy_id=policy_id))
    if not ok(outcome):
        return
    assert isinstance(outcome, Outcome)
    underwritten = outcome.event("PolicyUnderwritten") or {}
    ends = underwritten.get("publicity_ends")
    if ends is not None:
        start = parse_time(kit.world.scenario.start)
        yield Wait(until_day=(parse_time(ends) - start).total_seconds() / 86_400 + 0.05)
    outcome = yield Tx(underwriter, CL, "publicise_underwriting", PolicyArgs(policy_id=policy_id))
    if not ok(outcome):
        return
    for level in ("central", "province", "county"):
        yield Tx(
            _gov_member(kit, level, "finance"),
            CL,
            "pay_premium_share",
            PremiumShareArgs(
                policy_id=policy_id,
                level=level,
                programme=_programme(level, "premium"),
            ),
        )
    outcome = yield Tx(
        manager, CL, "pay_premium_share", PremiumShareArgs(policy_id=policy_id, level="farmer")
    )
    if ok(outcome):
        kit.board[("policy", coop)] = policy_id
        if loan is not None:
            kit.board[("coop_cover", coop)] = loan


def _region(coop: str) -> str:
    return f"region-{coop}"


def disaster_story(kit: AgentKit, coops: list[str]) -> Story:
    spec = kit.world.scenario.agents.insurance
    agri = _gov_member(kit, "county", "agriculture")
    for coop in coops:
        yield Tx(
            agri,
            CL,
            "declare_disaster",
            DeclareArgs(
                declaration_id=f"typhoon-{coop}",
                peril="typhoon",
                region=_region(coop),
                window_start=kit.time_at(spec.disaster_day - 1),
                window_end=kit.time_at(spec.disaster_day + 2),
                severity=spec.severity,
            ),
        )


def claim_story(
    kit: AgentKit,
    coop: str,
    insurer: str,
    households: list[Household],
    late_survey: bool,
    disputed: Household | None,
) -> Story:
    spec = kit.world.scenario.agents.insurance
    rng = kit.rng
    policy_id = kit.board.get(("policy", coop))
    if policy_id is None:
        return
    manager = kit.member(coop, "manager")
    adjuster = kit.member(insurer, "adjuster")
    claims_manager = kit.member(insurer, "claims_manager")
    claim_id = f"claim-{coop}-typhoon"
    outcome = yield Tx(
        manager,
        CL,
        "report_loss",
        ReportArgs(
            claim_id=claim_id,
            policy_id=policy_id,
            peril="typhoon",
            occurred_at=kit.time_at(spec.disaster_day),
            declaration_id=f"typhoon-{coop}",
        ),
    )
    if not ok(outcome):
        return
    if households:  # the same typhoon reported again by a household: one event pays once
        yield Tx(households[0].member_id, CL, "report_loss", ReportArgs(
            claim_id=f"{claim_id}-{households[0].member_id}",
            policy_id=policy_id,
            peril="typhoon",
            occurred_at=kit.time_at(spec.disaster_day + 0.1),
        ), refusals=("DUPLICATE_CLAIM",), must_refuse=True)
    if late_survey:
        yield Wait(days=1.2)
        yield Tx(manager, CL, "record_breach", BreachArgs(claim_id=claim_id, kind="survey"))
    else:
        yield Wait(days=0.3)
    outcome = yield Tx(
        adjuster, CL, "survey", SurveyArgs(
            claim_id=claim_id,
            evidence=[evidence(claim_id, "survey")],
        )
    )
    if not ok(outcome):
        return
    insureds: list[str] = []
    for household in households:
        losses = (0, 1500, 2500, 4000, 5500, 7000, 8500)
        # the household that disputes its assessment must have one, whatever the seed
        loss = rng.choice(losses[1:] if household is disputed else losses)
        loss = min(10_000, loss * spec.severity // 3)  # severity 3 keeps the drawn loss
        if loss == 0:
            continue
        area = household.acreage_mu * 100 * rng.randint(30, 100) // 100
        outcome = yield Tx(
            adjuster,
            CL,
            "assess_household",
            AssessArgs(
                claim_id=claim_id,
                insured=household.member_id,
                loss_bp=loss,
                damaged_area=max(1, area),
                stage="tillering",
                evidence=[evidence(claim_id, household.member_id, "photo")],
            ),
        )
        if ok(outcome):
            insureds.append(household.member_id)
    if kit.board.get(("coop_cover", coop)) is not None:
        outcome = yield Tx(
            adjuster,
            CL,
            "assess_household",
            AssessArgs(
                claim_id=claim_id,
                insured=coop,
                loss_bp=8000,
                damaged_area=spec.coop_own_area_mu * 100,
                stage="tillering",
                evidence=[evidence(claim_id, coop, "flooded warehouse")],
            ),
        )
        if ok(outcome):
            insureds.append(coop)
    if not insureds:
        return
    agri = _gov_member(kit, "county", "agriculture")
    outcome = yield Tx(agri, CL, "verify", ClaimArgs(claim_id=claim_id), co_signers=(manager,))
    if not ok(outcome):
        return
    outcome = yield Tx(claims_manager, CL, "publicise_claim", ClaimArgs(claim_id=claim_id))
    if not ok(outcome):
        return
    dispute_for = (
        disputed.member_id if disputed is not None and disputed.member_id in insureds else None
    )
    if dispute_for is not None and kit.enabled("disputes"):
        yield from dispute_story(kit, claim_id, dispute_for, insurer)
    yield Wait(days=spec.publicity_days + 0.1)
    agreed: list[str] = []
    for insured in insureds:
        signer = manager if insured == coop else insured
        outcome = yield Tx(signer, CL, "sign_agreement", HouseholdArgs(
            claim_id=claim_id,
            insured=insured,
        ))
        if ok(outcome):
            agreed.append(insured)
    yield Wait(days=rng.uniform(0.5, spec.pay_within_days))
    for insured in agreed:
        yield Tx(claims_manager, CL, "pay", HouseholdArgs(claim_id=claim_id, insured=insured))


def dispute_story(kit: AgentKit, claim_id: str, household: str, insurer: str) -> Story:
    """A household disputes its assessment; the committee mediates a top-up paid by the insurer."""
    mediator = _gov_member(kit, "county", "mediator")
    insurer_admin = kit.member(insurer, "claims_manager")
    dispute = f"dispute-{claim_id}"
    outcome = yield Tx(
        household,
        "disputes",
        "open",
        OpenArgs(
            dispute=dispute,
            asset=f"claim:{claim_id}",
            claimant=household,
            respondent=insurer,
            summary="damaged area under-counted",
            evidence=evidence(dispute, "complaint"),
        ),
    )
    if not ok(outcome):
        return
    for step in ("accept", "start_mediation"):
        yield Wait(days=1)
        yield Tx(mediator, "disputes", step, DisputeArgs(dispute=dispute))
    yield Wait(days=2)
    terms = [TermArgs(payer=insurer, payee=household, amount=50_000)]
    outcome = yield Tx(
        mediator,
        "disputes",
        "sign_agreement",
        SignAgreementArgs(
            dispute=dispute,
            terms=terms,
            text_hash=evidence(dispute, "agreement"),
        ),
        co_signers=(household, insurer_admin),
    )
    if ok(outcome):
        yield Tx(
            kit.member(insurer, "treasurer"), "disputes", "perform", DisputeArgs(dispute=dispute),
            co_signers=(household,),
        )


def government_share_story(kit: AgentKit) -> Story:
    spec = kit.world.scenario.agents.insurance
    level = LOSS_LEVEL
    yield Tx(_gov_member(kit, level, "finance"), CL, "settle_government_share",
             BookArgs(book=spec.book, programme=_programme(LOSS_LEVEL, "loss_share")))


def stories(kit: AgentKit) -> Iterator[tuple[float, str, Story]]:
    spec = kit.world.scenario.agents.insurance
    if not spec.enabled or not kit.enabled(CL):
        return
    insurers = kit.world.orgs_of_type("insurer")
    coops = kit.world.orgs_of_type("cooperative")
    if not insurers or not coops:
        return
    insurer = insurers[0]
    by_coop = {c: [h for h in kit.world.households if h.org == c] for c in coops}
    yield max(0.0, spec.enrol_day - 0.5), "budgets", budget_story(kit)
    for coop in coops:
        yield spec.enrol_day, f"policy-{coop}", policy_story(kit, coop, insurer, by_coop[coop])
        yield _season_end(kit) + 0.5, f"season-end-{coop}", season_end_story(kit, coop, insurer)
    yield spec.disaster_day + 0.2, "typhoon", disaster_story(kit, coops)
    for index, coop in enumerate(coops):
        households = by_coop[coop]
        disputed = households[0] if index == 0 and households and spec.dispute else None
        late = index == len(coops) - 1 and spec.late_survey
        yield (
            spec.disaster_day + 0.5 + index * 0.1,
            f"claim-{coop}",
            claim_story(kit, coop, insurer, households, late, disputed),
        )
    yield (
        spec.disaster_day + spec.publicity_days + 20,
        "government-share",
        government_share_story(kit),
    )
