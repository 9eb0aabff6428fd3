"""Planted bugs in the built-in contracts: does some test catch each one? (``make mutants``)

Each mutant is one realistic slip against a rule of docs/domain.md (a cap one fen
loose, a window one day short, a check dropped, the wrong party allowed), written as a
text replacement in one file. For each mutant the script copies the repository (git's
tracked and new files) to a temporary directory, applies the replacement, and runs the
contract's tests there with ``-x`` (a killed mutant stops at its first failure) and the
``quick`` hypothesis profile (``--profile ci`` for the thorough one). A mutant is
*killed* when the tests fail, *survived* when they pass, *stale* when its text is no
longer in the file (the code moved on: fix the entry). A mutant listed with the reason
it is ``equivalent`` (no input can tell it from the code) still runs, and a survivor
of those is reported but not scored. Mutation tools (mutmut,
cosmic-ray) were not used: their operator mutants (``<`` to ``<=`` everywhere) mostly
hit messages and helpers, and one run over these contracts took hours on two cores;
a short list of slips a reviewer would actually miss is cheaper and says more.

    python tests/mutants.py                    # every contract
    python tests/mutants.py settlement claims  # some
    python tests/mutants.py --list             # the mutants, not run
    python tests/mutants.py order_finance --slip delivery --slip repayment  # a few

Not part of ``make test``; the last scores are in docs/testing.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutant:
    path: str
    old: str
    new: str
    slip: str
    equivalent: str = ""  # why no test can kill it (it still runs; a survivor is not scored)


WR = "contracts/builtin/warehouse_receipt/"
OF = "contracts/builtin/order_finance/"
ST = "contracts/builtin/settlement/"
CL = "contracts/builtin/claims/"
DI = "contracts/builtin/disputes/"
CR = "contracts/builtin/credit/"
CLN = "contracts/builtin/credit_loans/"
GO = "contracts/builtin/governance/"
ME = "contracts/builtin/membership/"

MUTANTS: dict[str, list[Mutant]] = {
    "warehouse_receipt": [
        Mutant(WR + "enforcement.py", "    require_state(loan, *REPAYABLE)\n"
               "    value = _require_reserve(ctx, params, loan, price)\n",
               "    require_state(loan, *REPAYABLE)\n    value = 0\n",
               "a court-ordered sale below the reserve (D7)"),
        Mutant(WR + "enforcement.py", "    _third_party(loan, buyer)\n    require_state(loan, "
               "*REPAYABLE)", "    require_state(loan, *REPAYABLE)",
               "a court-ordered sale to the lender itself (D7)"),
        Mutant(WR + "ltv.py", "principal * 10_000 <= value * params.ltv_cap_bp",
               "principal * 10_000 < value * params.ltv_cap_bp + 10_000",
               "LTV cap one fen loose"),
        Mutant(WR + "ltv.py", "return value * params.ltv_cap_bp // 10_000",
               "return -(-value * params.ltv_cap_bp // 10_000)",
               "largest principal rounded up"),
        Mutant(WR + "receipts.py", "if args.quantity > lot.unreceipted:",
               "if args.quantity > lot.in_store:", "over-issue of a lot allowed (A1)"),
        Mutant(WR + "custody.py", "if holder is not None and holder != lot.lot_id:",
               "if False:", "a second lot on an occupied pile (V5, Qingdao)"),
        Mutant(WR + "loans.py",
               "if custody.unverified(ctx, r) is None])", "])",
               "a missed stock check ignored (V5)"),
        Mutant(WR + "enforcement.py",
               "if costs * 10_000 > proceeds * params.max_enforcement_cost_bp:",
               "if costs * 10_000 > proceeds * 10_000:", "enforcement costs uncapped (A10)"),
        Mutant(WR + "loans.py",
               "if loan.maturity is not None and now >= parse_time(loan.maturity):",
               "if loan.maturity is not None and now > parse_time(loan.maturity):",
               "default only a second after maturity"),
        Mutant(WR + "loans.py", "if amount > loan.debt and not cap:", "if False:",
               "repayment above the debt accepted"),
        Mutant(WR + "loans.py",
               "    if not ltv.within_cap(loan.principal_outstanding, value, params):\n"
               "        raise errors.ReleaseBreachesLtv(",
               "    if False:\n        raise errors.ReleaseBreachesLtv(",
               "partial release below the cap allowed"),
        Mutant(WR + "loans.py",
               "if tenor_days > params.max_tenor_days or any(",
               "if tenor_days > params.max_tenor_days + 1 or any(",
               "tenor one day over the product maximum"),
    ],
    "order_finance": [
        Mutant(OF + "contract.py", "if args.principal > cap:", "if args.principal > cap + 1:",
               "financing one fen above the ratio (B1)"),
        Mutant(OF + "contract.py", "if args.amount > owed:", "if args.amount > owed + 1:",
               "payment one fen above the receivable"),
        Mutant(OF + "delivery.py", "if args.quantity > remaining:",
               "if args.quantity > remaining + 1:", "delivery above the order"),
        Mutant(OF + "contract.py", "if amount > outstanding:",
               "if amount > outstanding + 1:", "repayment one fen above the debt"),
        Mutant(OF + "contract.py", "if parse_time(loan.due_at) > ctx.now:", "if False:",
               "default before the loan is due"),
        Mutant(OF + "contract.py",
               "ctx.require_not_frozen(asset_id(order.order_id))\n"
               "        require_status(order, OrderStatus.PAID)",
               "require_status(order, OrderStatus.PAID)",
               "settle of a disputed order allowed (D1)"),
    ],
    "claims": [
        Mutant(CL + "payout.py", "if loss_bp < threshold_bp:", "if loss_bp <= threshold_bp:",
               "a loss exactly at the 30 % threshold pays nothing (C1)"),
        Mutant(CL + "payout.py", "if loss_bp >= full_bp:", "if loss_bp > full_bp:",
               "a loss exactly at 70 % is not a total loss (C1)"),
        Mutant(CL + "claims.py",
               "claim.publicity_ends = later(ctx.time, days=params.claim_publicity_days)",
               "claim.publicity_ends = later(ctx.time, days=params.claim_publicity_days - 1)",
               "claim publicity a day short (C3)"),
        Mutant(CL + "claims.py", "if args.damaged_area > cover.planted_area:", "if False:",
               "damaged area above the planted area"),
        Mutant(CL + "claims.py", "if other := _overlapping_declaration(ctx, args):",
               "if False:", "one disaster declared twice, a loss claimed under each (C13)"),
        Mutant(CL + "payments.py", "if household.advanced + args.amount > limit:",
               "if household.advanced + args.amount > limit + 1:",
               "an advance one fen above half the assessment"),
        Mutant(CL + "claims.py", "if amount < advanced:", "if False:",
               "a reassessment below what was already advanced"),
        Mutant(CL + "lifecycle.py", "require_state(policy, PolicyState.EXPIRED)\n"
               "    if still_open := open_claims(ctx, policy.id):",
               "require_state(policy, PolicyState.EXPIRED)\n    if False:",
               "a policy closed with a claim open"),
        Mutant(CL + "policies.py",
               "allowed = later(policy.period_end, days=params.personal_retention_days)",
               "allowed = later(policy.period_end, days=params.personal_retention_days - 1)",
               "personal data purged a day before the five years end"),
    ],
    "disputes": [
        Mutant(DI + "contract.py", "if args.amount > debt.outstanding:", "if False:",
               "judgment debt overpaid"),
        Mutant(DI + "contract.py",
               "if dispute.agreement is not None and is_past(ctx.time, "
               "dispute.agreement.confirm_by):",
               "if False:", "court confirmation requested after the 30-day window"),
        Mutant(DI + "contract.py",
               "confirm_by=add_days(ctx.time, self.params.confirm_days),",
               "confirm_by=add_days(ctx.time, self.params.confirm_days - 1),",
               "the confirmation window a day short"),
    ],
    "settlement": [
        Mutant(ST + "contract.py", "if balance < amount:", "if balance < amount - 1:",
               "overdraft of one fen"),
        Mutant(ST + "contract.py", "if issued + args.amount > MAX_AMOUNT:", "if False:",
               "issuance above the limit"),
        Mutant("contracts/money.py", "not 0 < amount <= MAX_AMOUNT",
               "not 0 <= amount <= MAX_AMOUNT", "zero transfers accepted"),
    ],
    "credit": [
        Mutant(CR + "rules.py", "return TIER_RANK[tier] >= TIER_RANK[Tier.A] and not in_default",
               "return TIER_RANK[tier] > TIER_RANK[Tier.A] and not in_default",
               "an A household not counted good for its village (off by one tier)"),
        Mutant(CR + "rules.py", "return good * BP >= threshold_bp * households",
               "return good * BP > threshold_bp * households",
               "a village exactly at the threshold not a credit village"),
        Mutant(CR + "contract.py", "if scores.total() < needed:",
               "if scores.total() < needed - 1:", "a rating one point short of its tier"),
        Mutant(CR + "contract.py",
               'RATING_OFFICE = any_of(Role("government", "agriculture"), '
               'Role("government", "admin"))',
               'RATING_OFFICE = any_of(Role("government", "agriculture"), '
               'Role("government", "admin"), Role("government", "finance"))',
               "the finance bureau may attest ratings (role check loosened)"),
        Mutant(CR + "contract.py", "if req.overdue or req.defaulted or req.days_overdue:",
               "if req.defaulted:", "a subsidy paid on an overdue loan (L3)"),
        Mutant(CR + "contract.py", "req.interest * self.params.subsidy_cap_bp // 10_000",
               "-(-req.interest * self.params.subsidy_cap_bp // 10_000)",
               "the county's subsidy ceiling rounded up (a fen over on odd interest)"),
    ],
    "credit_loans": [
        Mutant(CLN + "contract.py",
               "exposure = get_book(ctx, loan.borrower).open_principal + amount",
               "exposure = amount", "the credit line counted per loan, not per borrower (X2)"),
        Mutant(CLN + "contract.py", 'if args.rate_bp < pricing["rate_bp"]:',
               'if args.rate_bp < pricing["rate_bp"] - 1:', "a rate one bp below the tier's price"),
        Mutant(CLN + "contract.py", "if args.tenor_days > self.params.max_tenor_days:",
               "if args.tenor_days > self.params.max_tenor_days + 1:",
               "a tenor one day over the maximum"),
        Mutant(CLN + "contract.py", 'if rating.get("in_default"):', "if False:",
               "a borrower in default granted again"),
        Mutant(CLN + "contract.py", 'LENDER = Party("lender", roles=("loan_officer",))',
               'LENDER = Party("lender", roles=("loan_officer", "risk_officer"))',
               "a risk officer may grant (role check loosened)"),
        Mutant(CLN + "servicing.py", "defaulted=loan.status is LoanStatus.DEFAULTED,",
               "defaulted=False,", "a subsidy asked for on a defaulted loan's recovery (L3)",
               equivalent="the lending core also refuses a loan with written_off or recovered "
                          "above 0, and every DEFAULTED loan has one of them (its claim was "
                          "written off whole, each recovery moves fen from one to the other)"),
    ],
    "membership": [
        Mutant(ME + "contract.py", 'if ctx.get(f"member/{member_id}") is not None:',
               "if False:", "a member id enrolled twice (reused after revocation)"),
        Mutant(ME + "contract.py", "if role not in roles:", "if False:",
               "a role its org type may not hold accepted"),
        Mutant(ME + "contract.py",
               'record = {**record, "revoked": True, "revoked_at": ctx.time}',
               'record = {**record, "revoked": True}', "a revocation without its time (M2)"),
        Mutant(ME + "contract.py", 'ORG_ADMIN = Party("org", roles=("admin",))',
               'ORG_ADMIN = Party("org", roles=("admin", "manager"))',
               "an org manager may enrol and revoke (role check loosened)"),
        Mutant(ME + "contract.py", 'if record["revoked"]:', "if False:",
               "a revoked member revoked again (its revocation time rewritten)"),
    ],
    "governance": [
        Mutant("contracts/governed.py",
               'entry["params"] = {**entry["params"], **change["params"]} if change.get(\n'
               '                "merge") else change["params"]',
               'entry["params"] = change["params"]',
               "a params change replaces the contract's whole params (an older proposal in "
               "force later undoes a newer one)"),
        Mutant(GO + "contract.py", "if proposal.proposer_org != ctx.signer.org:", "if False:",
               "any organisation withdraws another's proposal"),
        Mutant(GO + "contract.py",
               "majority = len(approving) * 10_000 > params.majority_bp * len(orgs)",
               "majority = len(approving) * 10_000 >= params.majority_bp * len(orgs)",
               "exactly half the organisations pass a proposal (not more than half)"),
        Mutant(GO + "contract.py",
               "return majority and all(t in types for t in params.required_org_types)\n\n"
               "    @staticmethod\n    def _can_pass",
               "return majority\n\n    @staticmethod\n    def _can_pass",
               "a majority without the government passes"),
        Mutant(GO + "models.py", "return height >= self.effective_height",
               "return height > self.effective_height",
               "a vote in the block at the effective height still counts (expiry a block late)"),
        Mutant(GO + "contract.py", "if args.change.kind in ROSTER_KINDS:", "if False:",
               "a roster change effective at a time (peers cannot check signers ahead)"),
        Mutant("contracts/governed.py", "found.sort(key=lambda item: (item[0], item[1]))",
               "found.sort(key=lambda item: item[1])",
               "height changes applied before timed ones whatever came into force first"),
    ],
}

TESTS: dict[str, list[str]] = {
    "warehouse_receipt": ["tests/contracts/test_warehouse_receipt_*.py",
                          "tests/contracts/test_boundaries.py"],
    "order_finance": ["tests/contracts/test_order_finance*.py"],
    "settlement": ["tests/contracts/test_settlement_*.py"],
    "claims": ["tests/contracts/test_claims_*.py", "tests/contracts/test_boundaries*.py"],
    "disputes": ["tests/contracts/test_disputes_*.py"],
    "credit": ["tests/contracts/test_credit_*.py", "tests/contracts/test_lending_*.py",
               "tests/contracts/test_boundaries_thresholds.py"],
    "credit_loans": ["tests/contracts/test_credit_loans_*.py",
                     "tests/contracts/test_lending_*.py"],
    "governance": ["tests/governance/test_governance_*.py"],
    "membership": ["tests/contracts/test_membership_*.py", "tests/ledger/test_ledger_identity.py",
                   "tests/api/test_member_cli.py"],
}


def copy_repo(into: Path) -> None:
    """The tracked and untracked (not ignored) files, as a test run would see them."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def machines_last(name: str) -> tuple[bool, str]:
    """Unit and example tests first, state machines last: ``-x`` stops at the first
    failure, and most slips fail a unit test in seconds where a machine takes minutes."""
    return any(word in name for word in ("machine", "stateful", "coverage", "deep")), name


def run_tests(workdir: Path, contract: str, profile: str) -> bool:
    """True if the contract's tests pass in ``workdir`` (the mutant survived)."""
    files = sorted({str(p.relative_to(workdir)) for pattern in TESTS[contract]
                    for p in workdir.glob(pattern)}, key=machines_last)
    env = {**os.environ, "PYTHONPATH": str(workdir), "CI": "true" if profile == "ci" else ""}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:randomly", "-p",
         "no:cacheprovider", *files],
        cwd=workdir, env=env, capture_output=True, check=False,
    )
    return done.returncode == 0


def chosen_mutants(contract: str, slips: list[str]) -> list[Mutant]:
    """The contract's mutants whose slip contains one of ``slips`` (all without any)."""
    return [m for m in MUTANTS[contract] if not slips or any(s in m.slip for s in slips)]


def run_mutant(contract: str, mutant: Mutant, profile: str, base: Path) -> str | None:
    """Apply one mutant to a fresh copy of ``base`` (the repository as the run began) and
    run the contract's tests: "survived", "killed", or None (stale: its text is not in
    the file once). A copy per mutant, so that mutants can run side by side (``-j``)."""
    with tempfile.TemporaryDirectory(prefix="mutants-") as tmp:
        workdir = Path(tmp) / "repo"
        shutil.copytree(base, workdir)
        target = workdir / mutant.path
        original = target.read_text()
        if original.count(mutant.old) != 1:
            return None
        target.write_text(original.replace(mutant.old, mutant.new))
        return "survived" if run_tests(workdir, contract, profile) else "killed"


def run_all(
    chosen: list[tuple[str, Mutant]], profile: str, jobs: int
) -> dict[str, tuple[int, int]]:
    """Run the mutants ``jobs`` at a time; print each verdict as it comes; the killed
    and scored mutants per contract (a listed equivalent that survives is not scored)."""
    scores = {contract: (0, 0) for contract, _ in chosen}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mutants-base-") as base, \
            concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        copy_repo(Path(base))  # edits made while the run goes on do not leak into it

        def one(item: tuple[str, Mutant]) -> tuple[str, Mutant, str | None, float]:
            begun = time.monotonic()
            verdict = run_mutant(item[0], item[1], profile, Path(base))
            return item[0], item[1], verdict, time.monotonic() - begun

        for contract, mutant, verdict, took in pool.map(one, chosen):
            head = f"{contract}: {mutant.slip} ({took:.0f} s)"
            if verdict is None:
                print(f"  STALE       {contract}: {mutant.slip}: text not found once in "
                      f"{mutant.path}", flush=True)
                continue
            if verdict == "survived" and mutant.equivalent:
                print(f"  equivalent  {head}: {mutant.equivalent}", flush=True)
                continue
            killed, total = scores[contract]
            scores[contract] = killed + (verdict == "killed"), total + 1
            print(f"  {'SURVIVED' if verdict == 'survived' else 'killed  '}    {head}",
                  flush=True)
    print(f"all in {time.monotonic() - started:.0f} s (wall, {jobs} at a time)", flush=True)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("contracts", nargs="*", help=f"any of {', '.join(MUTANTS)}")
    parser.add_argument("--profile", choices=("quick", "ci"), default="quick")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("-j", "--jobs", type=int, default=2,
                        help="mutants run side by side (2: this machine has two cores)")
    parser.add_argument("--slip", action="append", default=[],
                        help="only the mutants whose slip contains this text (repeatable)")
    args = parser.parse_args()
    chosen = args.contracts or list(MUTANTS)
    unknown = [c for c in chosen if c not in MUTANTS]
    if unknown:
        parser.error(f"no mutants for {unknown}: choose from {', '.join(MUTANTS)}")
    if args.list:
        for contract in chosen:
            for mutant in chosen_mutants(contract, args.slip):
                print(f"{contract}: {mutant.slip} ({mutant.path})")
        return
    chosen_list = [(c, m) for c in chosen for m in chosen_mutants(c, args.slip)]
    scores = run_all(chosen_list, args.profile, args.jobs)
    for contract, (killed, total) in scores.items():
        print(f"{contract}: {killed}/{total} killed", flush=True)
    low = [c for c, (k, t) in scores.items() if t and k * 100 < 90 * t]
    if low:
        sys.exit(f"below 90 % killed: {low}")


if __name__ == "__main__":
    main()
