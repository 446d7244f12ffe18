from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag

from saram.core.engine.sealing import Sealer


def test_sealed_numbers_open_and_digests_find_them_without_decrypting() -> None:
    sealer = Sealer("k" * 32)
    sealed = sealer.seal("4708152123456")
    assert b"4708152123456" not in sealed
    assert sealer.open(sealed) == "4708152123456"
    assert sealer.seal("4708152123456") != sealed  # fresh nonce each time
    assert sealer.digest("4708152123456") == Sealer("k" * 32).digest("4708152123456")
    assert sealer.digest("4708152123456") != Sealer("other" * 8).digest("4708152123456")


def test_a_changed_ciphertext_or_wrong_key_does_not_open() -> None:
    sealed = bytearray(Sealer("k" * 32).seal("4708152123456"))
    sealed[-1] ^= 1
    with pytest.raises(InvalidTag):
        Sealer("k" * 32).open(bytes(sealed))
    with pytest.raises(InvalidTag):
        Sealer("z" * 32).open(Sealer("k" * 32).seal("1"))
