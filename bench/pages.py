"""Figure: p95 latency of the home page and a dong page with 300,000 residents loaded.

Prepares a temporary SQLite installation exactly as `saram demo --no-serve --residents N`
does, starts gunicorn as `saram demo` starts it, logs in as the demo welfare officer (session
cookie), warms up, then sends a bounded number of requests to 127.0.0.1 from a few concurrent
clients, alternating the home page, the page of the officer's dong (the city's largest) and
the baseline: a static file (the site's stylesheet) through the same server, measured in the
same run by the same clients.

    PYTHONPATH=src .venv/bin/python bench/pages.py [--residents N] [--requests R] [--clients C]

Last line: RESULT page_p95 <ms> ms baseline=<static p95> ratio=<p95/baseline> target=<=100ms
(the worse of the two pages; the target is printed, not used as the baseline)
"""

from __future__ import annotations

import argparse
import http.client
import http.cookies
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
TARGET_MS = 100.0
BASELINE_PATH = "/static/core/saram.css"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=300_000)
    parser.add_argument("--requests", type=int, default=400, help="measured requests per page")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds, at most")
    parser.add_argument("--keep", action="store_true", help="keep the temporary installation")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="saram-bench-pages-"))
    os.environ["SARAM_DATA_DIR"] = str(workdir)
    os.environ.pop("SARAM_DATABASE_URL", None)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "saram.settings"
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(SRC), *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]]
    )
    sys.path.insert(0, str(SRC))
    try:
        return run(args, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, workdir: Path) -> int:
    from saram import cli

    started = time.perf_counter()
    prepare = [sys.executable, "-m", "saram.cli", "demo", "--no-serve"]
    subprocess.run([*prepare, "--residents", str(args.residents)], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    print(f"prepared {args.residents:,} residents in {time.perf_counter() - started:.1f} s "
          f"({workdir})")  # fmt: skip

    import django

    django.setup()
    from saram.core.models import City
    from saram.core.services import demo

    city = City.objects.order_by("id").first()
    assert city is not None
    home_dong, _other = demo.demo_dongs(city)
    people = demo.demo_resident_count()
    print(f"dong page: {home_dong.name} ({home_dong.code}); demo residents in the database: "
          f"{people:,}")  # fmt: skip

    port = free_port()
    workers, threads = cli.web_workers()
    web = cli.start(cli.gunicorn_command(port=port, workers=workers, threads=threads))
    try:
        if not cli.wait_until_listening(port, [web], []):
            print("gunicorn did not start", file=sys.stderr)
            return 1
        print(f"gunicorn: {workers} workers × {threads} threads on 127.0.0.1:{port}")
        return measure(args, port, home_dong.code, home_dong.name)
    finally:
        cli.stop([web])


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Client:
    """A keep-alive HTTP/1.1 client for one server, carrying the session's cookies."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies = dict(cookies or {})

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None
    ) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.connection.port}{path}"
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, text

    def close(self) -> None:
        self.connection.close()


def login(port: int) -> dict[str, str]:
    """Cookies of a logged-in session of the demo welfare officer."""
    from saram.core.services.demo import DEMO_PASSWORD

    client = Client(port)
    _status, form = client.request("GET", "/accounts/login/")
    token = client.cookies.get("csrftoken")
    if token is None:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        token = found.group(1) if found else ""
    status, _text = client.request(
        "POST",
        "/accounts/login/",
        {"username": "officer", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
    )
    client.close()
    if status != 302 or "sessionid" not in client.cookies:
        raise SystemExit(f"login failed: HTTP {status}")
    return client.cookies


def measure(args: argparse.Namespace, port: int, dong_code: str, dong_name: str) -> int:
    cookies = login(port)
    pages = {"home": "/", "dong": f"/dongs/{dong_code}/", "static": BASELINE_PATH}
    expected = {"home": dong_name, "dong": dong_name, "static": ".topbar"}

    warm = Client(port, cookies)
    for _ in range(10 * max(1, args.clients)):
        for path in pages.values():
            warm.request("GET", path)
    warm.close()

    plan = [name for _ in range(args.requests) for name in pages]
    timings: dict[str, list[float]] = {name: [] for name in pages}
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + args.time_limit
    cursor = iter(plan)

    def client() -> None:
        session = Client(port, cookies)
        try:
            while time.monotonic() < deadline:
                with lock:
                    name = next(cursor, None)
                if name is None:
                    return
                t = time.perf_counter()
                status, text = session.request("GET", pages[name])
                elapsed_ms = (time.perf_counter() - t) * 1000
                with lock:
                    if status != 200 or expected[name] not in text:
                        failures.append(f"{name}: HTTP {status}")
                    timings[name].append(elapsed_ms)
        finally:
            session.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall_s = time.perf_counter() - began

    import numpy as np

    p95: dict[str, float] = {}
    for name, values in timings.items():
        ms = np.array(values)
        p95[name] = float(np.percentile(ms, 95))
        print(f"{name:<6} {pages[name]:<24} n={ms.size:<5} p50={np.percentile(ms, 50):6.1f} ms  "
              f"p95={p95[name]:6.1f} ms  max={ms.max():6.1f} ms")  # fmt: skip
    total = sum(len(v) for v in timings.values())
    print(f"{total} requests from {args.clients} clients in {wall_s:.1f} s "
          f"({total / wall_s:.0f} requests/s)")  # fmt: skip
    if failures:
        print(f"{len(failures)} failed requests, e.g. {failures[:3]}", file=sys.stderr)
        return 1
    worst = round(max(p95["home"], p95["dong"]), 1)
    baseline = round(p95["static"], 1)
    print(f"target=<={TARGET_MS:.0f}ms for each page's p95; met: {worst <= TARGET_MS}")
    print(
        f"RESULT page_p95 {worst:.1f} ms baseline={baseline:.1f} ratio={worst / baseline:.3f} "
        f"target=<={TARGET_MS:.0f}ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
