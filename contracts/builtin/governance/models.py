"""Governance arguments, changes and records."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from contracts.base import Args, Params, Query
from contracts.records import Record
from contracts.types import Text

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
    """Merged over the contract's current params; the result must pass its Params model."""


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
    proposal_id: ProposalId
    effective_height: Annotated[int, Field(ge=1)]
    change: Change
    reason: Text = ""


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
    effective_height: int
    proposer: str
    proposer_org: str
    proposed_height: int
    status: Status = "open"
    approvals: dict[str, str] = Field(default_factory=dict)
    """org id -> the admin member who approved for it."""
    rejections: dict[str, str] = Field(default_factory=dict)
    decided_height: int | None = None
    reason: str = ""

    def shown_status(self, height: int) -> str:
        """The status as of ``height``: an open proposal whose effective height is reached
        has expired; an approved one at or past it is in effect."""
        if self.status == "open" and height >= self.effective_height:
            return "expired"
        if self.status == "approved" and height >= self.effective_height:
            return "effective"
        return self.status
