"""Every refusal welfare raises is a registered code whose message reads in English for an
English reader: no message translated when raised, no code without a message."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

from django.utils import translation

import saram.welfare
from saram.core.errors import SaramError, is_registered, render

SOURCE = Path(saram.welfare.__file__).parent


def _raised() -> dict[str, list[str]]:
    """code -> where raised, for each `SaramError(...)` call in the welfare source; an old-form
    call (a message as the second argument) is reported under the code "<old form>"."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "SaramError"
            ):
                continue
            where = f"{path.relative_to(SOURCE)}:{node.lineno}"
            if len(node.args) > 1 or {k.arg for k in node.keywords} & {"code", "message"}:
                found["<old form>"].append(where)  # a message, or a parameter shadowing one
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found[first.value].append(where)
    return found


def _has_hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


def test_welfare_raises_only_registered_codes_with_an_english_message() -> None:
    raised = _raised()
    assert "<old form>" not in raised, raised.get("<old form>")
    assert len(raised) > 100  # the scan sees the services, not nothing
    for code, where in sorted(raised.items()):
        assert is_registered(code), (code, where)
        with translation.override("ko"):
            template = render(code)
        params = dict.fromkeys(re.findall(r"%\((\w+)\)s", template), "7")
        with translation.override("en"):
            english = render(code, params)
        assert not _has_hangul(english), (code, english)
        assert "%(" not in english, (code, english)  # every placeholder filled
        if re.sub(r"%\(\w+\)s|[\W\d_]", "", template):  # has words, not just placeholders
            assert english != template, (code, english)


def test_a_refusal_is_rendered_in_the_language_of_whoever_reads_it() -> None:
    error = SaramError("round_no_visitor", n=3, person=12)
    with translation.override("ko"):
        assert error.message.startswith("목록 3번째 주민을")
    with translation.override("en"):
        assert "3" in error.message and not _has_hangul(error.message)
