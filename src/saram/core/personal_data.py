"""주민등록번호 at rest: sealed with the key from settings, found by keyed digest, shown masked."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from saram.core.engine.sealing import Sealer, derive


@cache
def sealer() -> Sealer:
    return Sealer(settings.PERSONAL_DATA_KEY)


def seal_rrn(digits: str) -> tuple[bytes, str]:
    """Ciphertext and look-up digest for a normalized 13-digit number."""
    s = sealer()
    return s.seal(digits), s.digest(digits)


def rrn_digest(digits: str) -> str:
    return sealer().digest(digits)


def open_rrn(cipher: bytes) -> str:
    return sealer().open(cipher)


def derived_key(master: str, info: bytes) -> bytes:
    """A 32-byte key for one purpose (`info`), derived from a deployment key (HKDF-SHA256)."""
    return derive(master.encode(), info)
