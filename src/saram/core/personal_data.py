"""주민등록번호 at rest: sealed with the key from settings, found by keyed digest, shown masked."""

from __future__ import annotations

import hmac
from functools import cache

from django.conf import settings

from saram.core.engine.sealing import Sealer, derive
from saram.core.models import KeyCheck, Person


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


class WrongPersonalDataKey(RuntimeError):
    """The configured personal-data key is not the one this database's data was sealed with."""


def key_check_value(master: str) -> str:
    """A value that identifies the key without revealing it (HMAC of a constant, derived key)."""
    return hmac.new(derived_key(master, b"saram key check v1"), b"saram", "sha256").hexdigest()


def verify_personal_data_key() -> str:
    """Compare the key with the database's key check value; record it on the first start (after
    making sure a sealed number, if any, opens with it). Raises WrongPersonalDataKey."""
    expected = key_check_value(settings.PERSONAL_DATA_KEY)
    recorded = KeyCheck.objects.order_by("pk").values_list("value", flat=True).first()
    if recorded is None:
        sample = Person.objects.only("rrn_cipher", "rrn_hmac").order_by("pk").first()
        if sample is not None:
            try:
                opened = open_rrn(sample.rrn_cipher)
            except Exception:
                raise WrongPersonalDataKey(_KEY_MESSAGE) from None
            if rrn_digest(opened) != sample.rrn_hmac:
                raise WrongPersonalDataKey(_KEY_MESSAGE)
        KeyCheck.objects.create(value=expected)
        return "recorded"
    if not hmac.compare_digest(recorded, expected):
        raise WrongPersonalDataKey(_KEY_MESSAGE)
    return "ok"


_KEY_MESSAGE = (
    "SARAM_PERSONAL_DATA_KEY does not open this database's personal data (its key check value "
    "differs): start with the key the data was sealed with."
)
