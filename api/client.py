"""A Python client for a peer's HTTP API: sign reads (RFC 9421), build and sign transactions.

    from api.client import Client, load_member

    member = load_member("net", "insurer-a.treasurer")  # a treasury role spends the org money
    with Client.from_network("net", member) as client:
        status = client.call("settlement", "transfer", source="insurer-a", target="coop-a",
                             amount=1_000_00)                       # waits for commit
        print(status.status, status.height)
        print(client.view("settlement", "balance", account="coop-a"))

``AsyncClient`` has the same methods as coroutines. Both are thin layers over
httpx: ``MemberAuth`` signs every request, ``TxBuilder`` makes envelopes with
``ledger.tx.make_body``/``sign_envelope`` (co-signers included), and every
non-2xx answer raises ``ApiProblem`` carrying the RFC 9457 problem details.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import secrets
import time
from collections.abc import AsyncIterator, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from api.schemas import SubmitAccepted, SubmitResults, TxStatusOut
from api.signing import SignableRequest, sign_request
from ledger.block import TxState
from ledger.identity import Credentials
from ledger.private import PrivateField, parse_fields, seal_args
from ledger.roster import load_credentials
from ledger.timefmt import format_time
from ledger.tx import Envelope, make_body, sign_envelope

__all__ = [
    "ApiProblem",
    "AsyncClient",
    "Client",
    "Event",
    "MemberAuth",
    "TxBuilder",
    "endpoints",
    "load_member",
]

ENDPOINTS_FILE = "endpoints.json"
DEFAULT_TIMEOUT = 30.0


class ApiProblem(Exception):
    """A non-2xx answer; ``problem`` is the RFC 9457 body and ``code`` its stable code."""

    def __init__(self, status: int, problem: Mapping[str, Any]) -> None:
        self.status = status
        self.problem = dict(problem)
        self.code = str(problem.get("code", f"HTTP_{status}"))
        super().__init__(f"{status} {self.code}: {problem.get('detail', '')}")


def load_member(network_dir: str | Path, member_id: str) -> Credentials:
    """A member's key and certificate from a network directory (``orgs/<org>/members/<id>/``)."""
    root = Path(network_dir)
    org = member_id.split(".", 1)[0]
    for base in (root, root / "identities", root / "roster"):
        member_dir = base / "orgs" / org / "members" / member_id
        if member_dir.is_dir():
            return load_credentials(member_dir)
    raise FileNotFoundError(f"no key and certificate for {member_id!r} under {root}")


def endpoints(network_dir: str | Path) -> dict[str, str]:
    """Peer id -> base URL, as ``agriledger serve`` wrote them to ``DIR/endpoints.json``."""
    data = json.loads((Path(network_dir) / ENDPOINTS_FILE).read_text())
    peers = data.get("peers", data)
    return {str(k): str(v) for k, v in peers.items()}


class MemberAuth(httpx.Auth):
    """Signs each request with the member's Ed25519 key (RFC 9421; see api/signing.py)."""

    requires_request_body = True

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        sign_request(
            SignableRequest(request.method, str(request.url), request.headers),
            request.content,
            self.credentials.member_id,
            self.credentials.key,
        )
        yield request


@dataclass
class TxBuilder:
    """Builds signed envelopes for ``chain_id`` as ``signer``, with optional co-signers."""

    chain_id: str
    signer: Credentials

    def build(
        self,
        contract: str,
        action: str,
        args: Mapping[str, Any],
        *,
        co_signers: Sequence[Credentials] = (),
        nonce: int | str | None = None,
        created_at: str | None = None,
    ) -> Envelope:
        body = make_body(
            chain_id=self.chain_id,
            contract=contract,
            action=action,
            args=args,
            signer=self.signer.member_id,
            nonce=secrets.token_hex(16) if nonce is None else nonce,
            created_at=created_at or format_time(dt.datetime.now(dt.UTC).replace(microsecond=0)),
        )
        return sign_envelope(body, self.signer.key, [(c.member_id, c.key) for c in co_signers])


@dataclass(frozen=True)
class Event:
    """One server-sent event: ``event`` is block, tx or contract; ``id`` the block height."""

    event: str
    data: Any
    id: str | None = None


@dataclass
class _SseParser:
    """Incremental text/event-stream parser (WHATWG HTML, section 9.2)."""

    event: str = "message"
    data: list[str] = field(default_factory=list)
    last_id: str | None = None

    def feed(self, line: str) -> Event | None:
        if line == "":
            if not self.data:
                self.event = "message"
                return None
            event = Event(self.event, json.loads("\n".join(self.data)), self.last_id)
            self.event, self.data = "message", []
            return event
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            self.event = value
        elif name == "data":
            self.data.append(value)
        elif name == "id":
            self.last_id = value
        return None


def _as_json(
    envelopes: Envelope | Mapping[str, Any] | Iterable[Envelope | Mapping[str, Any]],
) -> Any:
    def one(item: Envelope | Mapping[str, Any]) -> Any:
        return item.to_json() if isinstance(item, Envelope) else dict(item)

    if isinstance(envelopes, Envelope | Mapping):
        return one(envelopes)
    return [one(item) for item in envelopes]


def _submit_params(wait: bool, timeout: float | None) -> dict[str, str]:
    params: dict[str, str] = {}
    if wait:
        params["wait"] = "commit"
        if timeout is not None:
            params["timeout"] = str(timeout)
    return params


def _parse_submit(response: httpx.Response) -> SubmitAccepted | SubmitResults:
    data = _checked(response)
    if "results" in data:
        return SubmitResults.model_validate(data)
    return SubmitAccepted.model_validate(data)


def _checked(response: httpx.Response) -> Any:
    if response.is_success:
        return response.json()
    try:
        problem = response.json()
    except ValueError:
        problem = {"detail": response.text}
    raise ApiProblem(response.status_code, problem if isinstance(problem, dict) else {})


def _events_params(from_height: int | None) -> dict[str, str]:
    return {} if from_height is None else {"from_height": str(from_height)}


class Client:
    """Synchronous client for one peer's API, acting as one member."""

    def __init__(
        self,
        base_url: str,
        member: Credentials,
        chain_id: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.member = member
        self.http = httpx.Client(
            base_url=base_url, auth=MemberAuth(member), timeout=timeout, transport=transport
        )
        self._chain_id = chain_id

    @classmethod
    def from_network(
        cls,
        network_dir: str | Path,
        member: Credentials | str,
        peer: str | None = None,
        **kwargs: Any,
    ) -> Client:
        """A client for ``peer`` (default: the first) in a network ``agriledger serve`` runs."""
        urls = endpoints(network_dir)
        member = load_member(network_dir, member) if isinstance(member, str) else member
        return cls(urls[peer] if peer else next(iter(urls.values())), member, **kwargs)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    @property
    def chain_id(self) -> str:
        if self._chain_id is None:
            self._chain_id = str(self.health()["chain_id"])
        return self._chain_id

    def builder(self) -> TxBuilder:
        return TxBuilder(self.chain_id, self.member)

    # -- writes --------------------------------------------------------------------------

    def submit(
        self,
        envelopes: Envelope | Mapping[str, Any] | Iterable[Envelope | Mapping[str, Any]],
        *,
        wait: bool = False,
        timeout: float | None = None,
    ) -> SubmitAccepted | SubmitResults:
        """Submit one envelope or a batch (up to 1000); with ``wait`` answer final statuses."""
        response = self.http.post(
            "/v1/transactions", json=_as_json(envelopes), params=_submit_params(wait, timeout)
        )
        return _parse_submit(response)

    def call(
        self,
        contract: str,
        action: str,
        *,
        co_signers: Sequence[Credentials] = (),
        wait: bool = True,
        **args: Any,
    ) -> TxStatusOut:
        """Build, sign and submit one tx as this member; return its (final, if waiting) status."""
        envelope = self.builder().build(contract, action, args, co_signers=co_signers)
        result = self.submit(envelope, wait=wait)
        if isinstance(result, SubmitResults):
            return result.results[0]
        return TxStatusOut(tx_id=result.tx_ids[0], status=TxState.PENDING)

    def submit_private(
        self, envelope: Envelope | Mapping[str, Any], fields: Sequence[PrivateField], *,
        wait: bool = False, timeout: float | None = None,
    ) -> SubmitAccepted | SubmitResults:
        """Submit one envelope with the side-car of its sealed private fields."""
        body = {"envelope": _as_json(envelope), "private": [f.to_json() for f in fields]}
        response = self.http.post(
            "/v1/private/transactions", json=body, params=_submit_params(wait, timeout)
        )
        return _parse_submit(response)

    def call_private(
        self,
        contract: str,
        action: str,
        *,
        co_signers: Sequence[Credentials] = (),
        wait: bool = True,
        **args: Any,
    ) -> tuple[TxStatusOut, list[PrivateField]]:
        """Like ``call``, with every ``personal`` object of plaintext in ``args`` sealed
        (``ledger.private.seal_args``); returns the status and the sealed fields."""
        sealed_args, fields = seal_args(args)
        envelope = self.builder().build(contract, action, sealed_args, co_signers=co_signers)
        result = self.submit_private(envelope, fields, wait=wait)
        if isinstance(result, SubmitResults):
            return result.results[0], fields
        return TxStatusOut(tx_id=result.tx_ids[0], status=TxState.PENDING), fields

    def private(self, digest: str) -> PrivateField:
        """The plaintext behind an on-chain hash, checked against it (404 unless this
        member's organisation is entitled and this peer holds it)."""
        data = self._get(f"/v1/private/{digest}")
        fields = parse_fields([{k: data[k] for k in ("field", "value", "salt", "hash")}])
        if fields[0].hash != digest:
            raise ValueError(f"the peer answered another field's plaintext for {digest}")
        return fields[0]

    def wait_for(self, tx_ids: Sequence[str], timeout: float = 30.0) -> list[TxStatusOut]:
        """Poll until every tx is committed or rejected (or the timeout passes)."""
        deadline = time.monotonic() + timeout
        delay = 0.02
        while True:
            statuses = [self.tx(tx_id) for tx_id in tx_ids]
            if (
                all(s.status is not TxState.PENDING for s in statuses)
                or time.monotonic() > deadline
            ):
                return statuses
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    # -- reads ---------------------------------------------------------------------------

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return _checked(self.http.get(path, params=params))

    def tx(self, tx_id: str) -> TxStatusOut:
        return TxStatusOut.model_validate(self._get(f"/v1/transactions/{tx_id}"))

    def health(self) -> dict[str, Any]:
        data: dict[str, Any] = _checked(self.http.get("/v1/health"))
        return data

    def contracts(self) -> dict[str, Any]:
        data: dict[str, Any] = self._get("/v1/contracts")
        return data

    def state(self, contract: str, key: str) -> Any:
        return self._get(f"/v1/state/{contract}/{key}")["value"]

    def view(self, contract: str, view: str, **params: Any) -> Any:
        return self._get(f"/v1/views/{contract}/{view}", params)["result"]

    def records(self, contract: str, prefix: str, *, after: str | None = None,
                limit: int = 50) -> dict[str, Any]:
        """One page of the readable records under ``prefix`` (``items``, ``next_after``)."""
        params: dict[str, Any] = {"prefix": prefix, "limit": limit}
        if after is not None:
            params["after"] = after
        data: dict[str, Any] = self._get(f"/v1/lists/{contract}", params)
        return data

    def head(self) -> dict[str, Any]:
        data: dict[str, Any] = self._get("/v1/blocks/head")
        return data

    def block(self, height: int) -> dict[str, Any]:
        data: dict[str, Any] = self._get(f"/v1/blocks/{height}")
        return data

    def verify_chain(self) -> dict[str, Any]:
        data: dict[str, Any] = self._get("/v1/chain/verify")
        return data

    def clock(self) -> dict[str, Any]:
        """The orderer's block clock: ``dev_chain``, ``offset``, ``now``."""
        data: dict[str, Any] = self._get("/v1/clock")
        return data

    def advance_clock(self, by: str) -> dict[str, Any]:
        """Move a development chain's clock forward by ``by`` (``3d``, ``15m``)."""
        data: dict[str, Any] = _checked(self.http.post("/v1/clock/advance", json={"by": by}))
        return data

    def events(self, from_height: int | None = None, *, follow: bool = True) -> Iterator[Event]:
        """Server-sent events from ``from_height``; reconnects after a drop where it left off."""
        last_id: str | None = None
        while True:
            headers = {} if last_id is None else {"Last-Event-ID": last_id}
            params = _events_params(None if last_id else from_height)
            params["follow"] = "true" if follow else "false"
            try:
                with self.http.stream(
                    "GET", "/v1/events", params=params, headers=headers, timeout=None
                ) as response:
                    if not response.is_success:
                        response.read()
                        _checked(response)
                    parser = _SseParser()
                    for line in response.iter_lines():
                        event = parser.feed(line)
                        if event is not None:
                            last_id = parser.last_id or last_id
                            yield event
                if not follow:
                    return
            except (httpx.RemoteProtocolError, httpx.ReadError):
                time.sleep(0.2)


class AsyncClient:
    """Asynchronous client for one peer's API, acting as one member."""

    def __init__(
        self,
        base_url: str,
        member: Credentials,
        chain_id: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        limits: httpx.Limits | None = None,
    ) -> None:
        self.member = member
        self.http = httpx.AsyncClient(
            base_url=base_url,
            auth=MemberAuth(member),
            timeout=timeout,
            transport=transport,
            limits=limits or httpx.Limits(max_connections=100, max_keepalive_connections=100),
        )
        self._chain_id = chain_id

    @classmethod
    def from_network(
        cls,
        network_dir: str | Path,
        member: Credentials | str,
        peer: str | None = None,
        **kwargs: Any,
    ) -> AsyncClient:
        urls = endpoints(network_dir)
        member = load_member(network_dir, member) if isinstance(member, str) else member
        return cls(urls[peer] if peer else next(iter(urls.values())), member, **kwargs)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    async def chain_id(self) -> str:
        if self._chain_id is None:
            self._chain_id = str((await self.health())["chain_id"])
        return self._chain_id

    async def builder(self) -> TxBuilder:
        return TxBuilder(await self.chain_id(), self.member)

    async def submit(
        self,
        envelopes: Envelope | Mapping[str, Any] | Iterable[Envelope | Mapping[str, Any]],
        *,
        wait: bool = False,
        timeout: float | None = None,
    ) -> SubmitAccepted | SubmitResults:
        response = await self.http.post(
            "/v1/transactions", json=_as_json(envelopes), params=_submit_params(wait, timeout)
        )
        return _parse_submit(response)

    async def call(
        self,
        contract: str,
        action: str,
        *,
        co_signers: Sequence[Credentials] = (),
        wait: bool = True,
        **args: Any,
    ) -> TxStatusOut:
        envelope = (await self.builder()).build(contract, action, args, co_signers=co_signers)
        result = await self.submit(envelope, wait=wait)
        if isinstance(result, SubmitResults):
            return result.results[0]
        return TxStatusOut(tx_id=result.tx_ids[0], status=TxState.PENDING)

    async def wait_for(self, tx_ids: Sequence[str], timeout: float = 30.0) -> list[TxStatusOut]:
        deadline = time.monotonic() + timeout
        delay = 0.02
        while True:
            statuses = [await self.tx(tx_id) for tx_id in tx_ids]
            if (
                all(s.status is not TxState.PENDING for s in statuses)
                or time.monotonic() > deadline
            ):
                return statuses
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.5)

    async def _get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return _checked(await self.http.get(path, params=params))

    async def tx(self, tx_id: str) -> TxStatusOut:
        return TxStatusOut.model_validate(await self._get(f"/v1/transactions/{tx_id}"))

    async def health(self) -> dict[str, Any]:
        data: dict[str, Any] = _checked(await self.http.get("/v1/health"))
        return data

    async def contracts(self) -> dict[str, Any]:
        data: dict[str, Any] = await self._get("/v1/contracts")
        return data

    async def state(self, contract: str, key: str) -> Any:
        return (await self._get(f"/v1/state/{contract}/{key}"))["value"]

    async def view(self, contract: str, view: str, **params: Any) -> Any:
        return (await self._get(f"/v1/views/{contract}/{view}", params))["result"]

    async def head(self) -> dict[str, Any]:
        data: dict[str, Any] = await self._get("/v1/blocks/head")
        return data

    async def block(self, height: int) -> dict[str, Any]:
        data: dict[str, Any] = await self._get(f"/v1/blocks/{height}")
        return data

    async def verify_chain(self) -> dict[str, Any]:
        data: dict[str, Any] = await self._get("/v1/chain/verify")
        return data

    async def events(
        self, from_height: int | None = None, *, follow: bool = True
    ) -> AsyncIterator[Event]:
        last_id: str | None = None
        while True:
            headers = {} if last_id is None else {"Last-Event-ID": last_id}
            params = _events_params(None if last_id else from_height)
            params["follow"] = "true" if follow else "false"
            try:
                async with self.http.stream(
                    "GET", "/v1/events", params=params, headers=headers, timeout=None
                ) as response:
                    if not response.is_success:
                        await response.aread()
                        _checked(response)
                    parser = _SseParser()
                    async for line in response.aiter_lines():
                        event = parser.feed(line)
                        if event is not None:
                            last_id = parser.last_id or last_id
                            yield event
                if not follow:
                    return
            except (httpx.RemoteProtocolError, httpx.ReadError):
                await asyncio.sleep(0.2)
