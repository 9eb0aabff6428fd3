"""Readers as data: who may read each value a contract stores (need to know).

Like a Daml template's observers, the readers of a stored record come from the record
itself: a contract declares, per key pattern of its namespace, the record type stored
there and the fields (or key segments) naming the parties that may read it::

    class CreditLoans(Contract):
        readers = (
            Readable("loan/{loan_id}", Loan, parties=("bank", "borrower")),
            Readable("borrower/{borrower}", Book, public=True),
            Readable("totals", Totals),          # no parties: supervisors only
        )

A party field holds an organisation id, a member id (``org.name``: its organisation
reads) or a list of them; a dotted name (``insured.coop``) reads a nested field. A
``public`` pattern is readable by every enrolled member (the encumbrance registry,
the member registry). On top of what the record names, the supervisory roles named
in genesis (``GenesisConfig.supervisors``) read everything. A key no declaration
matches is readable by the supervisors only (fail closed).

The declaration is checked when the contract is registered (``check_readers``): a
contract without ``readers`` is refused, and so is a party name that is neither a
field of the declared record nor a name in the pattern. Nothing here runs while a
block commits: the API filters on read (``api.visibility``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from contracts.exceptions import RegistrationError

_SEGMENT = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}")


@dataclass(frozen=True)
class Readable:
    """The readers of the values stored under ``pattern`` in a contract's namespace.

    ``pattern`` is literal text with ``{name}`` (one ``/``-free segment) or ``{name...}``
    (the rest of the key) placeholders. ``parties`` name fields of ``record`` (or of the
    stored JSON when ``record`` is None) or placeholders of the pattern.
    """

    pattern: str
    record: type[BaseModel] | None = None
    parties: tuple[str, ...] = ()
    public: bool = False
    roles: tuple[tuple[str, str], ...] = ()
    """(org type, role) pairs whose members read every record of this pattern (a
    government mediator reads disputes; the agriculture office reads claims)."""
    via: tuple[str, ...] = ()
    """Keys of related records in the same namespace, as patterns filled from this
    record's fields and placeholders (``"policy/{policy_id}"``): their readers read this
    record too (a claim is read by whoever reads its policy)."""
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _names: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts: list[str] = []
        names: list[str] = []
        last = 0
        for match in _SEGMENT.finditer(self.pattern):
            parts.append(re.escape(self.pattern[last:match.start()]))
            name, rest = match.group(1), match.group(2)
            parts.append(f"(?P<{name}>{'.+' if rest else '[^/]+'})")
            names.append(name)
            last = match.end()
        parts.append(re.escape(self.pattern[last:]))
        object.__setattr__(self, "_regex", re.compile("".join(parts)))
        object.__setattr__(self, "_names", frozenset(names))

    @property
    def head(self) -> str:
        """The literal text before the first placeholder (the index key of the pattern)."""
        return self.pattern.split("{", 1)[0]

    @property
    def placeholders(self) -> frozenset[str]:
        return self._names

    def match(self, key: str) -> dict[str, str] | None:
        found = self._regex.fullmatch(key)
        return None if found is None else found.groupdict()


@dataclass(frozen=True)
class Readers:
    """Who may read one stored value: every member (``public``) or the named orgs."""

    public: bool = False
    orgs: frozenset[str] = frozenset()
    roles: frozenset[tuple[str, str]] = frozenset()

    def allows(self, org: str, org_type: str, role: str) -> bool:
        return self.public or org in self.orgs or (org_type, role) in self.roles

    def __or__(self, other: Readers) -> Readers:
        return Readers(
            self.public or other.public, self.orgs | other.orgs, self.roles | other.roles
        )


PUBLIC = Readers(public=True)
NOBODY = Readers()
"""No party: only the supervisors (who read everything) may read the value."""


def org_of(ident: str) -> str:
    """The organisation of an org id or a member id (``org.name``)."""
    return ident.split(".", 1)[0]


def _values(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _values(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            if isinstance(item, str):
                yield item


def _lookup(value: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


MAX_VIA_DEPTH = 3
"""How many ``via`` links one lookup follows (a breach -> its claim -> the policy)."""


def _fill(pattern: str, bound: Mapping[str, str], value: Any) -> str | None:
    """``pattern`` with each placeholder replaced by the bound key segment or the field
    of ``value`` of that name; None when one is missing or not a string."""
    missing = False

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        name = match.group(1)
        found = bound[name] if name in bound else _lookup(value, name)
        if not isinstance(found, str):
            missing = True
            return ""
        return found

    filled = _SEGMENT.sub(replace, pattern)
    return None if missing else filled


class ReaderTable:
    """Every enabled contract's declarations, indexed for ``readers_of`` on a full key."""

    def __init__(self, declarations: Mapping[str, Sequence[Readable]]) -> None:
        self._by_contract: dict[str, dict[str, list[Readable]]] = {}
        for contract, entries in declarations.items():
            index: dict[str, list[Readable]] = {}
            for entry in entries:
                index.setdefault(entry.head.split("/", 1)[0], []).append(entry)
            self._by_contract[contract] = index

    def declaration(self, contract: str, key: str) -> tuple[Readable, dict[str, str]] | None:
        """The declaration matching ``key`` in ``contract``'s namespace, with its
        placeholders' values; None if no declaration matches."""
        index = self._by_contract.get(contract)
        if index is None:
            return None
        for entry in index.get(key.split("/", 1)[0], ()):
            bound = entry.match(key)
            if bound is not None:
                return entry, bound
        return None

    def readers_of(
        self, full_key: str, value: Any, get: Callable[[str], Any] | None = None
    ) -> Readers:
        """Who may read ``value`` stored at ``full_key`` (``<contract>/<key>``), besides
        the supervisors. A deleted key's value is None: only placeholders name parties.
        ``get`` reads a related record named by ``via`` (without it, ``via`` is skipped)."""
        return self._readers(full_key, value, get, MAX_VIA_DEPTH)

    def _readers(
        self, full_key: str, value: Any, get: Callable[[str], Any] | None, depth: int
    ) -> Readers:
        contract, _, key = full_key.partition("/")
        found = self.declaration(contract, key)
        if found is None:
            return NOBODY
        entry, bound = found
        if entry.public:
            return PUBLIC
        orgs: set[str] = set()
        for party in entry.parties:
            raw = bound[party] if party in bound else _lookup(value, party)
            orgs.update(org_of(v) for v in _values(raw))
        readers = Readers(orgs=frozenset(orgs), roles=frozenset(entry.roles))
        if get is not None and depth > 0:
            for pattern in entry.via:
                related = _fill(pattern, bound, value)
                if related is not None:
                    target = f"{contract}/{related}"
                    readers = readers | self._readers(target, get(target), get, depth - 1)
        return readers


def check_readers(contract: str, readers: Any) -> None:
    """Raise RegistrationError unless ``readers`` is a well-formed declaration."""
    where = f"{contract}.readers"
    if readers is None:
        raise RegistrationError(
            f"{where}: the contract does not declare who may read its records; set "
            "readers = (Readable('<key pattern>', RecordType, parties=(...)), ...) "
            "(contracts.readers)"
        )
    if not isinstance(readers, tuple) or not all(isinstance(r, Readable) for r in readers):
        raise RegistrationError(f"{where}: must be a tuple of contracts.readers.Readable")
    patterns: set[str] = set()
    for entry in readers:
        if entry.pattern in patterns:
            raise RegistrationError(f"{where}: pattern {entry.pattern!r} is declared twice")
        patterns.add(entry.pattern)
        if not entry.pattern or "{" in entry.head.split("/", 1)[0] or not entry.head:
            raise RegistrationError(
                f"{where}: pattern {entry.pattern!r} must start with literal text"
            )
        if entry.record is not None and not (
            isinstance(entry.record, type) and issubclass(entry.record, BaseModel)
        ):
            raise RegistrationError(f"{where}[{entry.pattern}]: record must be a pydantic model")
        if entry.public and entry.parties:
            raise RegistrationError(
                f"{where}[{entry.pattern}]: a public record names no parties"
            )
        for pattern in entry.via:
            names = {m.group(1) for m in _SEGMENT.finditer(pattern)}
            for name in names - entry.placeholders:
                if entry.record is None or not _has_field(entry.record, name):
                    raise RegistrationError(
                        f"{where}[{entry.pattern}]: via {pattern!r} names {name!r}, neither "
                        "a placeholder of the pattern nor a field of the record"
                    )
        for party in entry.parties:
            if party in entry.placeholders:
                continue
            if entry.record is None:
                raise RegistrationError(
                    f"{where}[{entry.pattern}]: party {party!r} is not a placeholder of the "
                    "pattern, and no record type is declared to find it in"
                )
            if not _has_field(entry.record, party):
                raise RegistrationError(
                    f"{where}[{entry.pattern}]: party {party!r} is neither a field of "
                    f"{entry.record.__name__} nor a placeholder of the pattern"
                )


def _has_field(model: type[BaseModel], dotted: str) -> bool:
    current: Any = model
    for part in dotted.split("."):
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return False
        info = current.model_fields.get(part)
        if info is None:
            return False
        current = _model_in(info.annotation)
    return True


def _model_in(annotation: Any) -> Any:
    """The pydantic model inside ``X``, ``X | None`` or ``Optional[X]``, else the annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return annotation
