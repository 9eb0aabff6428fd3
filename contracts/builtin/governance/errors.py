"""The governance contract's refusals, each with a stable code."""

from __future__ import annotations

from contracts.exceptions import DomainError, NotFound


class ProposalNotFound(NotFound):
    code = "PROPOSAL_NOT_FOUND"
    what = "proposal"


class ProposalExists(DomainError):
    code = "PROPOSAL_EXISTS"


class ProposalClosed(DomainError):
    """The proposal is no longer open (approved, rejected, withdrawn)."""

    code = "PROPOSAL_CLOSED"


class ProposalExpired(DomainError):
    """The proposal's effective height was reached before the policy was met."""

    code = "PROPOSAL_EXPIRED"


class AlreadyVoted(DomainError):
    code = "ALREADY_VOTED"


class NotProposer(DomainError):
    code = "NOT_PROPOSER"


class NotYourOrg(DomainError):
    """An organisation's own matter (its CA) proposed by another organisation."""

    code = "NOT_YOUR_ORG"


class EffectiveHeightTooSoon(DomainError):
    code = "EFFECTIVE_HEIGHT_TOO_SOON"


class EffectiveTimeTooSoon(DomainError):
    code = "EFFECTIVE_TIME_TOO_SOON"


class InvalidChange(DomainError):
    """The change itself is unusable (params fail the contract's model, unknown org...)."""

    code = "INVALID_CHANGE"


class OrgNotVoting(DomainError):
    """The signer's organisation is not (or no longer) a member of the consortium."""

    code = "ORG_NOT_VOTING"
