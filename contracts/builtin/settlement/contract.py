"""Settlement: accounts and balances in integer fen.

Accounts are named by identity: a member id (``coop-a.farmer-1``), an org id
(``bank-a``, the org's treasury), or a contract escrow (``escrow:<contract>:<name>``,
e.g. an order's controlled account). Money enters only by issuance from the
government's central-bank role and otherwise only moves.

Who may debit an account (``authority``): a member's own account only that member;
an org account only a member of that org holding a treasury role, and above the
org's dual-control threshold two such members; through another contract's ``move``
the same, except that an operational role the parameters grant for the contract
whose action the tx signed also counts (a loan officer disbursing through the
lending contracts, even where the lending contract calls another's operation),
and the calling contract's own escrow accounts are its to debit. The one exception,
``compel``: a court's judgment debits the debtor without its signature, only through
the contract ``compelled_debit_roles`` grants it to (disputes) and a court signer;
the money it gathers in its court-funds escrow is paid out by the asset's contract
in the same tx (``authority.may_use_court_funds``).

State: ``account/<id>`` -> {"balance": fen}; ``supply`` -> {"issued": fen}.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from contracts.base import Args, Contract, Query, action, invariant, operation, view
from contracts.builtin.settlement.authority import (
    SettlementParams,
    authorise_compelled_debit,
    authorise_debit,
    may_use_court_funds,
)
from contracts.context import Context, ReadContext
from contracts.exceptions import DomainError, InsufficientFunds
from contracts.money import InvalidAccount as InvalidAccount  # settlement's codes, declared
from contracts.money import InvalidAmount as InvalidAmount  # with the money interface
from contracts.money import MoveArgs
from contracts.policy import Party, Role
from contracts.readers import Readable
from contracts.types import MAX_AMOUNT, Id, PositiveFen, Text


class SameAccount(DomainError):
    code = "SAME_ACCOUNT"


class BalanceLimitExceeded(DomainError):
    """A credit or an issuance would take a balance or the supply past MAX_AMOUNT fen,
    beyond what the canonical encoding carries."""

    code = "BALANCE_LIMIT_EXCEEDED"


class IssueArgs(Args):
    account: Id
    amount: PositiveFen
    memo: Text = ""


class TransferArgs(Args):
    source: Id
    target: Id
    amount: PositiveFen
    memo: Text = ""


class AccountQuery(Query):
    account: Id


class NoQuery(Query):
    pass


def _owner(_self: Any, _ctx: ReadContext, args: TransferArgs) -> Mapping[str, Any]:
    """The member or org whose account is the source: only its members can pass the
    policy; ``authorise_debit`` then asks which of them (treasury roles, dual control)."""
    return {"owner": None if args.source.startswith("escrow:") else args.source}


def account_key(account: str) -> str:
    return f"account/{account}"


class SettlementContract(Contract):
    name = "settlement"
    version = "1"
    readers = (
        # a controlled (escrow) account belongs to no organisation: every member may
        # check the money a contract holds; an org's own account is read by that org
        Readable("account/escrow:{account...}", public=True),
        Readable("account/{account...}", parties=("account",)),
        Readable("supply", public=True),
    )
    description = "Accounts and balances in fen; transfers; issuance by the central bank only."
    Params = SettlementParams

    def balance_of(self, ctx: ReadContext, account: str) -> int:
        record = ctx.get(account_key(account))
        return 0 if record is None else int(record["balance"])

    def _credit(self, ctx: Context, account: str, amount: int) -> None:
        balance = self.balance_of(ctx, account)
        if balance + amount > MAX_AMOUNT:
            raise BalanceLimitExceeded(
                f"account {account} holds {balance} fen; {amount} more exceeds {MAX_AMOUNT}",
                account=account, balance=balance, amount=amount,
            )
        ctx.put(account_key(account), {"balance": balance + amount})

    def _debit(self, ctx: Context, account: str, amount: int) -> None:
        balance = self.balance_of(ctx, account)
        if balance < amount:
            raise InsufficientFunds(
                f"account {account} holds {balance} fen, {amount} needed",
                account=account, balance=balance, amount=amount,
            )
        ctx.put(account_key(account), {"balance": balance - amount})

    def initial_state(self) -> Mapping[str, Any]:
        return {"supply": {"issued": 0}}

    @action(IssueArgs, policy=Role("government", "central_bank"))
    def issue(self, ctx: Context, args: IssueArgs) -> None:
        """Create money into an account (central bank only)."""
        issued = int((ctx.get("supply") or {"issued": 0})["issued"])
        if issued + args.amount > MAX_AMOUNT:
            raise BalanceLimitExceeded(
                f"{issued} fen issued; {args.amount} more exceeds {MAX_AMOUNT}",
                issued=issued, amount=args.amount,
            )
        ctx.put("supply", {"issued": issued + args.amount})
        self._credit(ctx, args.account, args.amount)
        ctx.emit("Issued", account=args.account, amount=args.amount, memo=args.memo)

    @action(TransferArgs, policy=Party("owner"), parties=_owner)
    def transfer(self, ctx: Context, args: TransferArgs) -> None:
        """Move money from the signer's own account, or its org's as a treasury role holder."""
        authorise_debit(self.params, ctx.signers, args.source, args.amount)
        self._move(ctx, args.source, args.target, args.amount, args.memo)

    @operation(MoveArgs)
    def move(self, ctx: Context, args: MoveArgs) -> None:
        """Move money on behalf of another contract within the same tx."""
        own_escrow = args.source.startswith(f"escrow:{ctx.caller}:")
        if not own_escrow and not may_use_court_funds(self.params, args.source,
                                                      ctx.tx_contract):
            authorise_debit(self.params, ctx.signers, args.source, args.amount,
                            via=ctx.tx_contract)
        self._move(ctx, args.source, args.target, args.amount, args.memo)

    @operation(MoveArgs)
    def compel(self, ctx: Context, args: MoveArgs) -> None:
        """Debit ``source`` without its owner's signature, as a court's judgment compels (D7).

        Only the contract granted it in ``compelled_debit_roles`` (disputes), in its own
        action signed by a granted role (the court); that contract bounds the amount."""
        court = authorise_compelled_debit(self.params, ctx.signers, args.source,
                                          ctx.caller or "", ctx.tx_contract)
        self._move(ctx, args.source, args.target, args.amount, args.memo)
        ctx.emit("CompelledDebit", account=args.source, target=args.target, amount=args.amount,
                 by=court.member_id, via=ctx.caller)

    def _move(self, ctx: Context, source: str, target: str, amount: int, memo: str) -> None:
        if source == target:
            raise SameAccount(f"source and target are both {source}")
        self._debit(ctx, source, amount)
        self._credit(ctx, target, amount)
        ctx.emit("Transferred", source=source, target=target, amount=amount, memo=memo)

    @view(AccountQuery)
    def balance(self, ctx: ReadContext, query: AccountQuery) -> Any:
        return {"account": query.account, "balance": self.balance_of(ctx, query.account)}

    @view(NoQuery)
    def supply(self, ctx: ReadContext, query: NoQuery) -> Any:
        return ctx.get("supply") or {"issued": 0}

    @invariant("S1", "no account balance is negative")
    def no_negative_balance(self, ctx: ReadContext) -> Iterable[str]:
        for key, record in ctx.scan("account/"):
            if record["balance"] < 0:
                yield f"{key} has balance {record['balance']}"

    @invariant("S2", "total of all balances equals total issued")
    def supply_conserved(self, ctx: ReadContext) -> Iterable[str]:
        total = sum(int(record["balance"]) for _, record in ctx.scan("account/"))
        issued = int((ctx.get("supply") or {"issued": 0})["issued"])
        if total != issued:
            yield f"balances total {total} fen but {issued} fen were issued"
