"""Figure: p95 latency of the home page and a dong page with 300,000 residents loaded.

Prepares a temporary SQLite installation exactly as `saram demo --no-serve --residents N`
does, starts gunicorn as `saram demo` starts it, logs in as the demo welfare officer (session
cookie), warms up, then sends a bounded number of requests to 127.0.0.1 from a few concurrent
clients, alternating the home page and the page of the officer's dong (the city's largest).

    PYTHONPATH=src .venv/bin/python bench/pages.py [--residents N] [--requests R] [--clients C]

Last line: RESULT page_p95 <ms> ms baseline=100 ratio=<p95/100>  (the worse of the two pages)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
BASELINE_MS = 100.0


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


def login(base: str) -> dict[str, str]:
    """Cookies of a logged-in session of the demo welfare officer."""
    import requests

    from saram.core.services.demo import DEMO_PASSWORD

    session = requests.Session()
    form = session.get(f"{base}/accounts/login/", timeout=10)
    token = session.cookies.get("csrftoken") or re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text
    ).group(1)  # type: ignore[union-attr]
    done = session.post(
        f"{base}/accounts/login/",
        data={"username": "officer", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=10,
    )
    if done.status_code != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"login failed: HTTP {done.status_code}")
    return dict(session.cookies)


def measure(args: argparse.Namespace, port: int, dong_code: str, dong_name: str) -> int:
    import requests

    base = f"http://127.0.0.1:{port}"
    cookies = login(base)
    pages = {"home": "/", "dong": f"/dongs/{dong_code}/"}
    expected = {"home": dong_name, "dong": dong_name}

    with requests.Session() as warm:
        warm.cookies.update(cookies)
        for _ in range(10 * max(1, args.clients)):
            for path in pages.values():
                warm.get(base + path, timeout=30)

    plan = [name for _ in range(args.requests) for name in pages]
    timings: dict[str, list[float]] = {name: [] for name in pages}
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + args.time_limit
    cursor = iter(enumerate(plan))

    def client() -> None:
        with requests.Session() as session:
            session.cookies.update(cookies)
            while time.monotonic() < deadline:
                with lock:
                    item = next(cursor, None)
                if item is None:
                    return
                _i, name = item
                t = time.perf_counter()
                response = session.get(base + pages[name], timeout=30, allow_redirects=False)
                elapsed_ms = (time.perf_counter() - t) * 1000
                with lock:
                    if response.status_code != 200 or expected[name] not in response.text:
                        failures.append(f"{name}: HTTP {response.status_code}")
                    timings[name].append(elapsed_ms)

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
        print(f"{name:<5} {pages[name]:<22} n={ms.size:<5} p50={np.percentile(ms, 50):6.1f} ms  "
              f"p95={p95[name]:6.1f} ms  max={ms.max():6.1f} ms")  # fmt: skip
    total = sum(len(v) for v in timings.values())
    print(f"{total} requests from {args.clients} clients in {wall_s:.1f} s "
          f"({total / wall_s:.0f} requests/s)")  # fmt: skip
    if failures:
        print(f"{len(failures)} failed requests, e.g. {failures[:3]}", file=sys.stderr)
        return 1
    worst = max(p95.values())
    print(
        f"RESULT page_p95 {worst:.1f} ms baseline={BASELINE_MS:.0f} ratio={worst / BASELINE_MS:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
