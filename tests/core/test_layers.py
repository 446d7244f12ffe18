"""Production code never imports demo code: the demo builds on the product, never the reverse."""

from __future__ import annotations

import grimp

# The demo's own modules, and the commands that exist to run the demo.
DEMO = ("saram.core.services.demo", "saram.welfare.demo", "saram.economy.demo", "saram.making.demo")
DEMO_RUNNERS = ("saram.core.management.commands.demo", "saram.cli")


def test_no_production_module_imports_demo_code() -> None:
    graph = grimp.build_graph("saram")
    demo_modules = {m for m in graph.modules if m.startswith(DEMO)}
    assert "saram.core.services.demo" in demo_modules  # the check looks where the demo is
    offenders = sorted(
        f"{importer} imports {imported}"
        for imported in demo_modules
        for importer in graph.find_modules_that_directly_import(imported)
        if importer not in demo_modules and not importer.startswith(DEMO_RUNNERS)
    )
    assert not offenders, "\n".join(offenders)
