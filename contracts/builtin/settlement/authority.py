"""Who may debit an account (money authority), as genesis parameters.

One rule serves a plain ``transfer`` and another contract's ``move``:

- A member's own account (``coop-a.farmer-1``) is debited only when that member signs.
- An org account (``bank-a``, the org's treasury) is debited only when a signer of that
  org holds a treasury role of its org type (segregation of duties: a farmer, keeper,
  adjuster, teller, mediator or admin holds none). Through a contract's ``move`` the
  signer may instead hold an operational role that the parameters grant for that
  contract (a bank's loan officer has the bank's account debited by the lending
  contracts to disburse a loan, never by a plain transfer).
- Dual control: a debit of an org account above the org's threshold needs two
  different members of that org, each authorised for that debit. It applies to
  contract-driven debits too, so a contract never moves more than its signers could.
- An escrow account (``escrow:<contract>:<name>``) is debited only by its own contract.
- The one exception, a court's compulsion (D7): ``compelled_debit_roles`` names, per
  contract, the roles (the government ``court``) under whose signature that contract may
  debit a party's member or org account without the party signing, through settlement's
  ``compel`` operation only, never ``transfer`` or ``move``, and with no dual control (the
  court order is the authority). The contract itself must call ``compel`` in a tx that
  signed one of its own actions; it alone bounds the amount (disputes: a judged term, up
  to the debtor's balance). Escrow accounts stay out of reach.
- Money a court's order moves is paid out through the asset's own path (D7): the
  compelling contract gathers it in its court-funds escrow (``escrow:<contract>:court``:
  compelled from the debtor, or paid in by a debtor's own signature) and invokes the
  asset's contract (claims payout, receivable waterfall), which debits that escrow like
  its own, only within a tx of the compelling contract's own action
  (``may_use_court_funds``). The compelling contract returns what the path did not take,
  so the escrow is empty after every tx (its invariant D7): nobody can pay out of it
  anything but what that contract put there in the same tx.

Node keys (role ``peer``) never reach this point: the runtime refuses any tx they sign.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field, ValidationInfo, field_validator

from contracts.base import Params
from contracts.exceptions import DomainError, Unauthorized
from contracts.policy import Principal
from contracts.roles import (
    COMPELLED_DEBIT_ROLES,
    CONTRACT_DEBIT_ROLES,
    DUAL_CONTROL_FEN,
    TREASURY_ROLES,
)
from contracts.types import MAX_AMOUNT

ESCROW_PREFIX = "escrow:"


class DualControlRequired(DomainError):
    """A single authorised member signed a debit above the org's dual-control threshold."""

    code = "DUAL_CONTROL_REQUIRED"


def _roles(mapping: dict[str, list[str]], where: str) -> dict[str, list[str]]:
    for key, roles in mapping.items():
        if not roles or not all(isinstance(r, str) and r for r in roles):
            raise ValueError(f"{where}.{key}: must be a non-empty list of role names")
    return mapping


class SettlementParams(Params):
    """Money authority; each field defaults to ``contracts.roles``' mapping of the same name."""

    treasury_roles: dict[str, list[str]] = Field(
        default_factory=lambda: {t: sorted(r) for t, r in TREASURY_ROLES.items()},
        description="org type -> roles that may debit their org's account by plain transfer",
    )
    contract_debit_roles: dict[str, dict[str, list[str]]] = Field(
        default_factory=lambda: {
            t: {c: sorted(r) for c, r in by_contract.items()}
            for t, by_contract in CONTRACT_DEBIT_ROLES.items()
        },
        description="org type -> contract -> roles whose org's account that contract may debit",
    )
    compelled_debit_roles: dict[str, dict[str, list[str]]] = Field(
        default_factory=lambda: {
            c: {t: sorted(r) for t, r in by_type.items()}
            for c, by_type in COMPELLED_DEBIT_ROLES.items()
        },
        description="contract -> org type -> roles under whose signature that contract may "
                    "debit a party's account without the party (D7: a court's judgment)",
    )
    dual_control_fen: dict[str, int] = Field(
        default_factory=lambda: dict(DUAL_CONTROL_FEN),
        description="org type -> debits of an org account above this need two members",
    )
    dual_control_fen_by_org: dict[str, int] = Field(
        default_factory=dict, description="org id -> threshold, overriding its type's"
    )

    @field_validator("treasury_roles")
    @classmethod
    def _treasury(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return _roles(value, "treasury_roles")

    @field_validator("contract_debit_roles", "compelled_debit_roles")
    @classmethod
    def _contract(
        cls, value: dict[str, dict[str, list[str]]], info: ValidationInfo
    ) -> dict[str, dict[str, list[str]]]:
        for key, inner in value.items():
            _roles(inner, f"{info.field_name}.{key}")
        return value

    @field_validator("dual_control_fen", "dual_control_fen_by_org")
    @classmethod
    def _thresholds(cls, value: dict[str, int]) -> dict[str, int]:
        for key, fen in value.items():
            if isinstance(fen, bool) or not 0 <= fen <= MAX_AMOUNT:
                raise ValueError(f"{key}: a threshold is an integer of fen in 0..{MAX_AMOUNT}")
        return value

    def threshold(self, org: str, org_type: str) -> int:
        """Fen above which a debit of ``org``'s account needs two members (no limit if unset)."""
        if org in self.dual_control_fen_by_org:
            return self.dual_control_fen_by_org[org]
        return self.dual_control_fen.get(org_type, MAX_AMOUNT)

    def may_debit_org(self, signer: Principal, via: str | None) -> bool:
        """Whether ``signer`` holds authority over its own org's account (``via`` a contract)."""
        if signer.role in self.treasury_roles.get(signer.org_type, ()):
            return True
        if via is None:
            return False
        return signer.role in self.contract_debit_roles.get(signer.org_type, {}).get(via, ())


def authorise_debit(
    params: SettlementParams,
    signers: Sequence[Principal],
    account: str,
    amount: int,
    via: str | None = None,
) -> None:
    """Raise unless ``signers`` may debit ``amount`` fen from ``account``.

    ``via`` is the contract whose action the tx signed, when the debit comes through
    ``move`` (None for a plain transfer); a contract's own escrow is checked by ``move``.
    """
    if account.startswith(ESCROW_PREFIX):
        raise Unauthorized(
            f"{account} is an escrow account: only its contract moves money out of it",
            account=account,
        )
    if any(s.member_id == account for s in signers):
        return
    authorised = {
        s.member_id: s for s in signers if s.org == account and params.may_debit_org(s, via)
    }
    if not authorised:
        how = "a plain transfer" if via is None else via
        raise Unauthorized(
            f"no signer may debit {account} through {how}: it takes the member itself, or a "
            f"member of {account} holding a treasury role"
            + ("" if via is None else f" or a role {via} is granted for its org type"),
            account=account, via=via,
        )
    first = next(iter(authorised.values()))
    limit = params.threshold(account, first.org_type)
    if amount > limit and len(authorised) < 2:
        raise DualControlRequired(
            f"debiting {amount} fen from {account} exceeds its dual-control threshold of "
            f"{limit} fen: a second, different authorised member of {account} must co-sign",
            account=account, amount=amount, threshold=limit, signer=first.member_id,
        )


COURT_FUNDS = "court"


def court_funds(contract: str) -> str:
    """The escrow in which ``contract`` holds compelled money for the length of one tx."""
    return f"{ESCROW_PREFIX}{contract}:{COURT_FUNDS}"


def may_use_court_funds(params: SettlementParams, account: str, tx_contract: str) -> bool:
    """Whether ``account`` is the court-funds escrow of the contract whose action this tx
    is, a contract granted compulsion, which any contract that action invokes may pay
    out of."""
    return tx_contract in params.compelled_debit_roles and account == court_funds(tx_contract)


def authorise_compelled_debit(
    params: SettlementParams,
    signers: Sequence[Principal],
    account: str,
    caller: str,
    tx_contract: str,
) -> Principal:
    """The signer whose office lets ``caller`` debit ``account`` without its owner (D7).

    Raise unless ``caller`` is the contract whose action the tx signed, ``compelled_debit_roles``
    grants it the compulsion, and a signer holds one of the roles named there; an escrow
    account is never compelled."""
    if account.startswith(ESCROW_PREFIX):
        raise Unauthorized(f"{account} is an escrow account: no compulsion reaches it",
                           account=account)
    granted = params.compelled_debit_roles.get(caller, {}) if caller == tx_contract else {}
    for signer in signers:
        if signer.role in granted.get(signer.org_type, ()):
            return signer
    raise Unauthorized(
        f"{caller} may not debit {account} without its owner's signature: a compelled debit "
        f"takes a signer holding a role granted in compelled_debit_roles"
        f"{'' if caller == tx_contract else f', in a tx that signed a {caller} action'}",
        account=account, via=caller,
    )
