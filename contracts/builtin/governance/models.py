"""Governance arguments, changes and records."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from contracts.base import Args, Params, Query
from contracts.records import Record
from contracts.types import Text, Timestamp
from ledger.timefmt import parse_time

ProposalId = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]
OrgIdText = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
ContractName = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z_][a-z0-9_]*$")]
Version = Annotated[str, Field(min_length=1, max_length=32)]


class GovernanceParams(Params):
    """The consortium's policy (genesis): a proposal passes when more than
    ``majority_bp`` / 10000 of the voting organisations approve it and every org type in
    ``required_org_types`` has an approving organisation."""

    required_org_types: tuple[str, ...] = ("government",)
    majority_bp: Annotated[int, Field(ge=0, le=9999)] = 5000
    min_lead_blocks: Annotated[int, Field(ge=1)] = 1
    """The effective height lies at least this many blocks after the proposing block."""


class SetParams(Args):
    kind: Literal["set_params"] = "set_params"
    contract: ContractName
    params: dict[str, Any]
    """Only the params to change: checked merged over the contract's params when proposed
    (the result must pass its Params model) and merged over those in force when the change
    takes effect, so changes to other params made meanwhile stay."""


class EnableContract(Args):
    kind: Literal["enable_contract"] = "enable_contract"
    contract: ContractName
    version: Version
    params: dict[str, Any] = Field(default_factory=dict)


class UpgradeContract(Args):
    kind: Literal["upgrade_contract"] = "upgrade_contract"
    contract: ContractName
    version: Version


class AddOrg(Args):
    kind: Literal["add_org"] = "add_org"
    org_id: OrgIdText
    org_type: str
    ca_certificate: str
    admin_certificate: str
    """The new organisation's first admin (role ``admin``, issued by its CA): it enrols
    the organisation's other members once the organisation is in force."""


class RemoveOrg(Args):
    kind: Literal["remove_org"] = "remove_org"
    org_id: OrgIdText


class RotateCa(Args):
    kind: Literal["rotate_ca"] = "rotate_ca"
    org_id: OrgIdText
    ca_certificate: str


Change = Annotated[
    SetParams | EnableContract | UpgradeContract | AddOrg | RemoveOrg | RotateCa,
    Field(discriminator="kind"),
]
RUNTIME_KINDS = frozenset({"set_params", "enable_contract", "upgrade_contract"})
ROSTER_KINDS = frozenset({"add_org", "remove_org", "rotate_ca"})


class ProposeArgs(Args):
    """The effective point is a height, or a time: the change is then in force from the
    first block whose time is at or after it (params and contract versions only; a roster
    change needs a height, since peers check signers against the roster before a block's
    time is known)."""

    proposal_id: ProposalId
    effective_height: Annotated[int, Field(ge=1)] | None = None
    effective_time: Timestamp | None = None
    change: Change
    reason: Text = ""

    @model_validator(mode="after")
    def _one_effective_point(self) -> ProposeArgs:
        if (self.effective_height is None) == (self.effective_time is None):
            raise ValueError("give exactly one of effective_height and effective_time")
        return self


class VoteArgs(Args):
    proposal_id: ProposalId
    reason: Text = ""


class ProposalQuery(Query):
    proposal_id: ProposalId


class ProposalsQuery(Query):
    status: str | None = None


Status = Literal["open", "approved", "rejected", "withdrawn"]


class Proposal(Record):
    id: str
    kind: str
    change: dict[str, Any]
    effective_height: int | None
    effective_time: str | None = None
    """Set instead of the height: in force from the first block at or after this time."""
    proposer: str
    proposer_org: str
    proposed_height: int
    status: Status = "open"
    approvals: dict[str, str] = Field(default_factory=dict)
    """org id -> the admin member who approved for it."""
    rejections: dict[str, str] = Field(default_factory=dict)
    decided_height: int | None = None
    reason: str = ""

    def reached(self, height: int, now: str) -> bool:
        """Whether a block at ``height`` and time ``now`` is at or past the effective point."""
        if self.effective_time is not None:
            return parse_time(now) >= parse_time(self.effective_time)
        assert self.effective_height is not None
        return height >= self.effective_height

    def effective_point(self) -> str:
        """The effective point as people read it: ``height 120`` or ``2027-03-01T00:00:00Z``."""
        if self.effective_time is not None:
            return self.effective_time
        return f"height {self.effective_height}"

    def shown_status(self, height: int, now: str) -> str:
        """The status as of the block at ``height`` and ``now``: an open proposal whose
        effective point is reached has expired; an approved one at or past it is in effect."""
        if self.status == "open" and self.reached(height, now):
            return "expired"
        if self.status == "approved" and self.reached(height, now):
            return "effective"
        return self.status

    def to_state(self) -> dict[str, Any]:
        """Height-based proposals are stored as they were before times were allowed, so
        chains written then replay to the same state."""
        data = super().to_state()
        if data["effective_time"] is None:
            del data["effective_time"]
        return data
