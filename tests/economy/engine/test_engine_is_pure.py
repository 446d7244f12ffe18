"""The economy engine loads without Django (the import-linter contract, checked in a fresh
interpreter so this test process's own Django does not hide an import)."""

import subprocess
import sys

CHECK = """
import sys
import saram.economy.engine
import saram.economy.engine.lots, saram.economy.engine.ocds, saram.economy.engine.local_share
loaded = sorted(m for m in sys.modules if m == "django" or m.startswith(("django.", "ninja")))
print(",".join(loaded))
"""


def test_importing_the_engine_loads_no_django() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == ""
