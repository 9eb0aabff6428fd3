"""Ed25519 signing keys, verification with an optional shared cache, and hashing helpers.

Verification is the dominant cost of the ledger, so it goes through one object,
``SignatureVerifier``, that peers in one process may share: its cache is keyed by
(public key, message, signature), so sharing it never lets one peer trust a
result another peer computed for different bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections import OrderedDict

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger.exceptions import IdentityError

__all__ = [
    "PrivateKey",
    "PublicKey",
    "SignatureVerifier",
    "b64decode",
    "b64encode",
    "sha256_hex",
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


class SignatureVerifier:
    """Verifies Ed25519 signatures, remembering recent verdicts.

    ``cache_size=0`` disables the cache (each call does the full verification).
    Public keys are parsed once per distinct raw key.
    """

    def __init__(self, cache_size: int = 0) -> None:
        self._cache_size = cache_size
        self._verdicts: OrderedDict[tuple[bytes, bytes, bytes], bool] = OrderedDict()
        self._keys: dict[bytes, Ed25519PublicKey] = {}
        self.verifications = 0

    def verify(self, public_key: bytes, message: bytes, signature: bytes) -> bool:
        if self._cache_size:
            cache_key = (public_key, message, signature)
            verdict = self._verdicts.get(cache_key)
            if verdict is not None:
                return verdict
            verdict = self._verify(public_key, message, signature)
            self._verdicts[cache_key] = verdict
            if len(self._verdicts) > self._cache_size:
                self._verdicts.popitem(last=False)
            return verdict
        return self._verify(public_key, message, signature)

    def _verify(self, public_key: bytes, message: bytes, signature: bytes) -> bool:
        key = self._keys.get(public_key)
        if key is None:
            try:
                key = Ed25519PublicKey.from_public_bytes(public_key)
            except ValueError:
                return False
            self._keys[public_key] = key
        self.verifications += 1
        try:
            key.verify(signature, message)
        except InvalidSignature:
            return False
        return True
