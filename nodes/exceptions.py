"""Errors of the nodes layer.

::

    NodeError                        base
    ├── GateRejected                 an envelope failed the peer's pre-forward checks
    │                                (.cause: the ledger or contract error, kept whole;
    │                                .code and .message are the cause's; .index, .tx_id)
    ├── NodeDown                     a crashed node was asked to do something (fault, retry)
    ├── OutOfOrder                   a batch does not follow the peer's head (.expected, .got)
    ├── IntakeHalted                 the peer cannot store blocks; it accepts nothing (.reason)
    ├── OrderingUnavailable          the orderer did not confirm: outcome unknown (.reason)
    ├── NetworkDirError              a network directory is missing or malformed
    ├── NetworkConfigError           an unknown contract or parameter asked of a new network
    └── DevClockRefused              the clock cannot be moved here (.code)
        ├── NotADevChain             genesis has no dev_clock: a production chain
        ├── DevClockForbidden        the member's role may not move this chain's clock
        └── DevClockUnavailable      this process does not run the orderer (NATS)

``GateRejected`` is a deterministic refusal of client input: nothing about the
envelope reaches the orderer. The others are faults: the caller retries or
reports them; they never change a chain.
"""

from __future__ import annotations

from contracts.exceptions import DomainError
from ledger.exceptions import DuplicateKey, EnvelopeError, NestingTooDeep

GateCause = EnvelopeError | NestingTooDeep | DuplicateKey | DomainError
"""What a gate refusal wraps: the ledger or contract error that refused the envelope."""

class NodeError(Exception):
    """Base of nodes-layer errors."""


class GateRejected(NodeError):
    """The envelope at ``index`` was refused before forwarding, because of ``cause``
    (kept whole, with its type, code and fields, for the API to map)."""

    def __init__(self, cause: GateCause, *, index: int = 0, tx_id: str | None = None) -> None:
        self.cause = cause
        self.code: str = cause.code
        self.message = str(cause)
        self.index = index
        if tx_id is None and isinstance(cause, EnvelopeError):
            tx_id = cause.tx_id
        self.tx_id = tx_id
        super().__init__(f"envelope {index}: {self.code}: {self.message}")


class NodeDown(NodeError):
    """The node is crashed (simulation) or closed."""


class OutOfOrder(NodeError):
    """A batch was offered that does not extend the peer's head."""

    def __init__(self, expected: int, got: int) -> None:
        self.expected = expected
        self.got = got
        super().__init__(f"expected batch {expected}, got {got}")


class NetworkDirError(NodeError):
    """A network directory is missing a file or holds something unreadable."""


class NetworkConfigError(NodeError):
    """A new network was asked for a contract that is not installed, or a parameter its
    contract does not have or refuses; the message names it and lists the choices."""


class IntakeHalted(NodeError):
    """The peer stopped accepting envelopes: it could not store a block (disk full, I/O
    error). What was accepted before stays in the orderer's log and is applied once the
    store can be written again; the peer resumes by itself."""

    code = "INTAKE_HALTED"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.message = f"intake halted: {reason}; nothing was accepted, retry later"
        super().__init__(self.message)


class OrderingUnavailable(NodeError):
    """The orderer could not be reached in time: the envelopes may or may not have been
    ordered. The client queries their status or resubmits them (idempotent by tx_id)."""

    code = "ORDERING_UNAVAILABLE"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.message = (
            f"outcome unknown: the orderer did not confirm ({reason}); "
            "query the transaction status or resubmit (resubmission is idempotent)"
        )
        super().__init__(self.message)


class DevClockRefused(NodeError):
    """The dev clock was not moved; ``code`` says why, ``message`` what to do instead."""

    code = "DEV_CLOCK_REFUSED"

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class NotADevChain(DevClockRefused):
    code = "NOT_A_DEV_CHAIN"


class DevClockForbidden(DevClockRefused):
    code = "DEV_CLOCK_FORBIDDEN"


class DevClockUnavailable(DevClockRefused):
    code = "DEV_CLOCK_UNAVAILABLE"
