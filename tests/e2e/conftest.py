"""End-to-end tests: a real headless Chromium (Debian's, never a downloaded one) against
pytest-django's `live_server`.

Every test under tests/e2e is marked `e2e`; `scripts/test` runs them in their own leg, and
`pytest -m "not e2e"` leaves them out.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test's thread; the ORM calls that the tests
# make from that thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

E2E_DIR = Path(__file__).resolve().parent

CHROMIUM_ARGS = [
    "--no-sandbox",  # root in CI, no user namespaces in containers
    "--disable-gpu",
    "--disable-background-networking",  # no internet: nothing may try to phone home
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str:
    """SARAM_CHROMIUM, else Debian's chromium on PATH, else /usr/bin/chromium."""
    return os.environ.get("SARAM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    """Pages may be opened by path: `page.goto("/accounts/login/")`."""
    return str(live_server.url)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    path = chromium_path()
    if not Path(path).exists():
        pytest.fail(f"no Chromium at {path}: run scripts/setup (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": path,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A Korean user's browser in Seoul, unless a test asks otherwise."""
    return {
        "locale": "ko-KR",
        "timezone_id": "Asia/Seoul",
        "viewport": {"width": 1280, "height": 800},
        **browser_context_args,
    }


@pytest.fixture
def logged_in_page(
    page: Any, live_server: Any, make_user: Callable[..., Any]
) -> Callable[..., Any]:
    """`logged_in_page(role, area=None, **make_user_kwargs)`: `page`, logged in as a new user.

    Logs in through the real form at /accounts/login/ (fields `username`, `password`), so the
    login page, axes and the session are exercised too. The user is at `page.user`.
    """

    def _login(role: Any, area: Any = None, **kwargs: Any) -> Any:
        user = make_user(role, area, **kwargs)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", user.raw_password)
        with page.expect_navigation():
            page.press("input[name=password]", "Enter")
        if re.search(r"/accounts/login/", page.url):
            raise AssertionError(f"login as {user.username} failed; still on {page.url}")
        page.user = user
        return page

    return _login
