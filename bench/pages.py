"""Figure: p95 latency of the home page and a dong page with 300,000 residents loaded.

Prepares a temporary SQLite installation exactly as `saram demo --no-serve --residents N`
does (`_common`), starts gunicorn as `saram demo` starts it, logs in as the demo welfare
officer (session cookie), warms up, then sends a bounded number of requests to 127.0.0.1 from
a few concurrent clients, alternating the home page, the page of the officer's dong (the
city's largest) and the baseline: a static file (the site's stylesheet) through the same
server, measured in the same run by the same clients. It also prints each page's database
queries (counted through Django's test client on the same database) and the machine's load
average, since the machine is shared.

    PYTHONPATH=src .venv/bin/python bench/pages.py [--residents N] [--requests R] [--clients C]

Last line: RESULT page_p95 <ms> ms baseline=<static p95> ratio=<p95/baseline> target=<=100ms
(the worse of the two pages; the target is printed, not used as the baseline)
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time

from _common import (
    Client,
    bench_environment,
    django_setup,
    load_demo,
    login,
    percentile,
    result,
    web_server,
)

TARGET_MS = 100.0
BASELINE_PATH = "/static/core/saram.css"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=300_000)
    parser.add_argument("--requests", type=int, default=400, help="measured requests per page")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds, at most")
    args = parser.parse_args()
    with bench_environment("pages"):
        return run(args)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    load_demo(args.residents)
    django_setup(migrate=False)
    from saram.core.models import City
    from saram.core.services import demo

    print(f"prepared {args.residents:,} residents in {time.perf_counter() - started:.1f} s")
    city = City.objects.order_by("id").first()
    assert city is not None
    home_dong, _other = demo.demo_dongs(city)
    print(
        f"dong page: {home_dong.name} ({home_dong.code}); demo residents in the database: "
        f"{demo.demo_resident_count():,}"
    )
    pages = {"home": "/", "dong": f"/dongs/{home_dong.code}/", "static": BASELINE_PATH}
    print_queries(pages)
    with web_server() as port:
        return measure(args, port, pages, home_dong.name)


def print_queries(pages: dict[str, str]) -> None:
    """Each page's queries once warm, as the officer (the same views, settings and database)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient(HTTP_HOST="127.0.0.1")
    officer = get_user_model().objects.get(username="officer")
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    for name, path in pages.items():
        if name == "static":
            continue
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        print(f"{name:<6} {path:<24} HTTP {status}, {len(queries.captured_queries)} queries")


def measure(args: argparse.Namespace, port: int, pages: dict[str, str], dong_name: str) -> int:
    cookies = login(port, "officer")
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

    load_before = os.getloadavg()[0]
    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall_s = time.perf_counter() - began

    p95: dict[str, float] = {}
    for name, values in timings.items():
        p95[name] = percentile(values, 95)
        print(
            f"{name:<6} {pages[name]:<24} n={len(values):<5} p50={percentile(values, 50):6.1f} ms"
            f"  p95={p95[name]:6.1f} ms  max={max(values):6.1f} ms"
        )
    total = sum(len(v) for v in timings.values())
    print(
        f"{total} requests from {args.clients} clients in {wall_s:.1f} s "
        f"({total / wall_s:.0f} requests/s); load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after (2 cores, shared)"
    )
    if failures:
        print(f"{len(failures)} failed requests, e.g. {failures[:3]}", file=sys.stderr)
        return 1
    worst = max(p95["home"], p95["dong"])
    print(f"target=<={TARGET_MS:.0f}ms for each page's p95; met: {worst <= TARGET_MS}")
    result("page_p95", worst, "ms", baseline=p95["static"], target=f"<={TARGET_MS:.0f}ms", digits=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
