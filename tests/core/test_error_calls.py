"""Every `SaramError(...)` raised anywhere in Saram names a registered code, and none passes a
parameter called `code`: that name is the error's own, so such a call fails with a TypeError
(a server error instead of the refusal) the moment it is reached."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import saram
from saram.core.errors import is_registered

SOURCE = Path(saram.__file__).parent


def _calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "SaramError"
            ):
                calls.append((f"{path.relative_to(SOURCE)}:{node.lineno}", node))
    return calls


def test_no_refusal_passes_a_parameter_named_code() -> None:
    calls = _calls()
    assert len(calls) > 300  # the scan sees every app's services, not nothing
    clashing = [where for where, call in calls if any(k.arg == "code" for k in call.keywords)]
    assert clashing == [], clashing


def test_every_refusal_without_its_own_message_names_a_registered_code() -> None:
    # Codes are registered where they are used: load every module that registers some.
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" not in path.parts and "register(" in path.read_text(encoding="utf-8"):
            module = ".".join(("saram", *path.relative_to(SOURCE).with_suffix("").parts))
            importlib.import_module(module)
    unregistered = [
        (where, first.value)
        for where, call in _calls()
        if call.args
        and isinstance(first := call.args[0], ast.Constant)
        and isinstance(first.value, str)
        and not is_registered(first.value)
        and len(call.args) == 1  # an old-form call carries its own message
        and not any(k.arg == "message" for k in call.keywords)
    ]
    assert unregistered == [], unregistered
