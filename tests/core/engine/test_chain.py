from __future__ import annotations

import dataclasses

from saram.core.engine.chain import GENESIS, Link, link_hash, verify


def _chain(n: int) -> list[Link]:
    links, prev = [], GENESIS
    for seq in range(1, n + 1):
        link = Link(
            seq,
            f"2026-01-01T00:00:0{seq}",
            1,
            "kim",
            "view",
            "person",
            str(seq),
            "p",
            {"k": seq},
            prev,
        )
        link = dataclasses.replace(link, hash=link_hash(link))
        links.append(link)
        prev = link.hash
    return links


def test_a_chain_verifies_and_each_kind_of_tampering_is_found() -> None:
    links = _chain(4)
    assert verify(links).ok and verify(links).checked == 4
    edited = [*links[:2], dataclasses.replace(links[2], purpose="x"), links[3]]
    assert verify(edited).broken_at == 3
    assert verify([*links[:1], *links[2:]]).broken_at == 3
    assert not verify([links[1], links[0]]).ok
