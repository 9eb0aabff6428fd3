"""Ed25519 signing keys, verification with an optional shared cache, and hashing helpers.

Verification is the dominant cost of the ledger, so it goes through one object,
``SignatureVerifier``, that peers in one process may share: its cache is keyed by
(public key, SHA-256 of the message, signature), so sharing it never lets one peer
trust a result another peer computed for different bytes. Importing this module
starts no thread: a verifier runs its parallel checks on the executor it is given.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import Executor, ThreadPoolExecutor

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger.exceptions import IdentityError

__all__ = [
    "PrivateKey",
    "PublicKey",
    "SignatureVerifier",
    "Signed",
    "b64decode",
    "b64encode",
    "sha256_hex",
    "verify_executor",
]

PublicKey = Ed25519PublicKey


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def b64encode(data: bytes) -> str:
    """RFC 4648 section 4 base64 with padding."""
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str) -> bytes:
    """Strict RFC 4648 base64 decoding; raises ValueError on anything else."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError(f"not RFC 4648 base64: {exc}") from None


class PrivateKey:
    """An Ed25519 private key with the few operations the ledger needs."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key

    @classmethod
    def generate(cls) -> PrivateKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> PrivateKey:
        """Deterministic key from a 32-byte seed (simulations that must replay exactly)."""
        return cls(Ed25519PrivateKey.from_private_bytes(hashlib.sha256(seed).digest()))

    @classmethod
    def from_pem(cls, data: bytes) -> PrivateKey:
        key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise IdentityError("private key is not Ed25519")
        return cls(key)

    def to_pem(self) -> bytes:
        return self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @property
    def raw(self) -> Ed25519PrivateKey:
        return self._key

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def public_key(self) -> Ed25519PublicKey:
        return self._key.public_key()

    def public_bytes(self) -> bytes:
        return public_key_bytes(self._key.public_key())


def public_key_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_from_bytes(data: bytes) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(data)
    except ValueError as exc:
        raise IdentityError(f"not an Ed25519 public key: {exc}") from None


Signed = tuple[bytes, bytes, bytes, str]
"""(raw public key, message, signature, message id): the id is the lowercase hex SHA-256
of the message, which an envelope already has as its tx_id (``signature_triples``)."""

PREFETCH_MIN = 16
"""Fewer uncached signatures than this are left to ``verify``: below it the hand-off
to the pool costs more than the second core gains."""


def verify_executor(workers: int | None = None) -> ThreadPoolExecutor:
    """A pool for ``SignatureVerifier.prefetch``: by default a thread per core besides the
    caller's (the Ed25519 check runs in Rust without the GIL, so a batch scales with
    cores). Its threads start on first use; whoever builds it shuts it down."""
    return ThreadPoolExecutor(
        max_workers=workers or max(1, (os.cpu_count() or 1) - 1), thread_name_prefix="ed25519"
    )


def _check(key: Ed25519PublicKey | None, message: bytes, signature: bytes) -> bool:
    if key is None:
        return False
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def _check_all(jobs: list[tuple[Ed25519PublicKey | None, bytes, bytes]]) -> list[bool]:
    return [_check(key, message, signature) for key, message, signature in jobs]


CacheKey = tuple[bytes, str, bytes]  # (raw public key, message id, signature)


def message_id(message: bytes) -> str:
    """What a verdict is remembered under in place of the message: its SHA-256 (hex)."""
    return hashlib.sha256(message).hexdigest()


class SignatureVerifier:
    """Verifies Ed25519 signatures, remembering the most recent ``cache_size`` verdicts.

    ``cache_size=0`` disables the cache (each call does the full verification). A
    verdict is remembered under (public key, SHA-256 of the message, signature), never
    the message itself: an entry costs a few hundred bytes whatever the message's
    size, and the cache holds no envelope alive. Size it to the signatures accepted
    but not yet executed (the pending window); an evicted verdict is only recomputed.

    ``executor`` runs ``prefetch``'s chunks beside the calling thread; whoever builds
    the verifier owns it (and shuts it down). Without one, ``prefetch`` verifies in the
    calling thread and this class starts no thread.
    """

    def __init__(self, cache_size: int = 0, executor: Executor | None = None) -> None:
        self._cache_size = cache_size
        self._executor = executor
        self._verdicts: OrderedDict[CacheKey, bool] = OrderedDict()
        self._keys: dict[bytes, Ed25519PublicKey] = {}
        self.verifications = 0

    def __len__(self) -> int:
        """Verdicts remembered now (at most ``cache_size``)."""
        return len(self._verdicts)

    def verify(
        self, public_key: bytes, message: bytes, signature: bytes, digest: str | None = None
    ) -> bool:
        """``digest``: ``message``'s lowercase hex SHA-256 if the caller has it (an
        envelope's tx_id); it is computed otherwise."""
        if self._cache_size:
            cache_key = (public_key, digest or message_id(message), signature)
            verdict = self._verdicts.get(cache_key)
            if verdict is not None:
                return verdict
            verdict = self._verify(public_key, message, signature)
            self._verdicts[cache_key] = verdict
            if len(self._verdicts) > self._cache_size:
                self._verdicts.popitem(last=False)
            return verdict
        return self._verify(public_key, message, signature)

    def prefetch(self, signed: Iterable[Signed]) -> None:
        """Verify the uncached ``signed`` in parallel and remember the verdicts, so the
        ``verify`` calls that follow (gate, block execution) are cache hits. Without a
        cache there is nowhere to keep a verdict, so this does nothing."""
        if not self._cache_size:
            return
        todo: dict[CacheKey, tuple[bytes, bytes, bytes]] = {}
        for public_key, message, signature, digest in signed:
            cache_key = (public_key, digest, signature)
            if cache_key not in self._verdicts:
                todo[cache_key] = (public_key, message, signature)
        if len(todo) < PREFETCH_MIN:
            return
        keys = list(todo)[-self._cache_size:]  # older ones would be evicted before use
        jobs = [
            (self._key(public_key), message, sig)
            for public_key, message, sig in (todo[k] for k in keys)
        ]
        executor = self._executor
        if executor is None:
            verdicts = _check_all(jobs)
        else:
            size = -(-len(jobs) // (os.cpu_count() or 1))  # one chunk per core
            chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
            others = [executor.submit(_check_all, chunk) for chunk in chunks[1:]]
            verdicts = _check_all(chunks[0])  # this thread takes the first chunk itself
            for future in others:
                verdicts.extend(future.result())
        for cache_key, verdict in zip(keys, verdicts, strict=True):
            self.verifications += 1
            self._verdicts[cache_key] = verdict
        while len(self._verdicts) > self._cache_size:
            self._verdicts.popitem(last=False)

    def _key(self, public_key: bytes) -> Ed25519PublicKey | None:
        key = self._keys.get(public_key)
        if key is None:
            try:
                key = Ed25519PublicKey.from_public_bytes(public_key)
            except ValueError:
                return None
            self._keys[public_key] = key
        return key

    def _verify(self, public_key: bytes, message: bytes, signature: bytes) -> bool:
        key = self._key(public_key)
        if key is None:
            return False
        self.verifications += 1
        return _check(key, message, signature)
