"""Encryption at rest and keyed look-up hashes for personal identifiers.

AES-256-GCM (authenticated) with a fresh 96-bit nonce per value; a separate HMAC-SHA256 key gives
a deterministic digest so that a number can be found without decrypting every row.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION = b"\x01"


def derive(master: bytes, info: bytes) -> bytes:
    """A 32-byte key for one purpose, derived from a master key (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)


class Sealer:
    """Seals and opens short secrets with keys derived from one master key."""

    def __init__(self, master_key: str | bytes) -> None:
        master = master_key.encode() if isinstance(master_key, str) else master_key
        self._aead = AESGCM(derive(master, b"saram rrn encryption v1"))
        self._mac_key = derive(master, b"saram rrn lookup v1")

    def seal(self, plaintext: str) -> bytes:
        nonce = os.urandom(12)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext.encode(), None)

    def open(self, sealed: bytes) -> str:
        sealed = bytes(sealed)
        if sealed[:1] != _VERSION:
            raise ValueError("unknown sealing version")
        return self._aead.decrypt(sealed[1:13], sealed[13:], None).decode()

    def digest(self, plaintext: str) -> str:
        return hmac.new(self._mac_key, plaintext.encode(), hashlib.sha256).hexdigest()
