"""Figure: p95 latency of the outreach list page of the largest dong, 1,000,000 residents loaded.

Prepares a temporary installation (SQLite, or the PostgreSQL of --database-url) with the demo
city, 1,000,000 demo residents and the welfare demo (signals, a year of rounds), then scores a
fresh round for the demo officer's dong (the city's largest) with a long list and starts it, so
the page shows scores, reasons, visitors and due dates. The page reads the round's stored,
indexed list (never scores on request). gunicorn is started as `saram demo` starts it; the demo
officer logs in, and a few concurrent clients request the list's pages.

    PYTHONPATH=src .venv/bin/python bench/outreach_page.py [--residents N] [--list-size K]
        [--requests R] [--clients C] [--database-url postgres://...]

Baseline, measured in the same run: a static file through the same server by the same clients.

Last line: RESULT outreach_page <p95_ms> ms baseline=<static p95 ms> ratio=<p95/static>
target=<=150
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SRC = Path(__file__).resolve().parent.parent / "src"
TARGET_MS = 150.0
PAGE_SIZE = 50


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--list-size", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--database-url", default=os.environ.get("SARAM_DATABASE_URL", ""))
    parser.add_argument("--keep", action="store_true", help="keep the temporary installation")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="saram-bench-outreach-"))
    os.environ["SARAM_DATA_DIR"] = str(workdir)
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["SARAM_DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("SARAM_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "saram.settings"
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(SRC), *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]]
    )
    sys.path.insert(0, str(SRC))
    try:
        return run(args)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def prepare(args: argparse.Namespace) -> tuple[str, str, int]:
    """The installation, and (dong code, dong name, listed people) of the measured list."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from saram.core.services import demo
    from saram.core.services.cities import load_city
    from saram.welfare import demo as welfare_demo
    from saram.welfare.services import rounds

    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}  cpus: {os.cpu_count()}"
    )
    t = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    # The baseline is a static file through the same server: collect them as a deployment does.
    call_command("collectstatic", interactive=False, verbosity=0)
    city = load_city(settings.SARAM_CITY_DIR).city
    demo.load_demo(residents=args.residents)
    print(f"city and {args.residents:,} residents: {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    made = welfare_demo.load_demo(city=city, seed=demo.DEMO_SEED)
    print(f"welfare demo: {time.perf_counter() - t:.1f} s  {made}")

    officer = get_user_model().objects.get(username="officer")
    home, _other = demo.demo_dongs(city)
    t = time.perf_counter()
    round_ = rounds.plan_round(by=officer, dong=home, list_size=args.list_size)
    scored_s = time.perf_counter() - t
    visitors = rounds.eligible_visitors(home)
    rounds.start_round(by=officer, round_=round_, assignees=visitors, now=timezone.now())
    print(
        f"round of {home.name}: {round_.listed_count:,} listed of {round_.scored_count:,} with "
        f"signals, scored in {scored_s:.2f} s, given to {len(visitors)} visitors"
    )
    connection.close()
    return home.code, home.name, round_.listed_count


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from _common import Client, free_port, login
    from saram import cli

    code, name, listed = prepare(args)
    pages = max(1, -(-listed // PAGE_SIZE))
    port = free_port()
    workers, threads = cli.web_workers()
    web = cli.start(cli.gunicorn_command(port=port, workers=workers, threads=threads))
    try:
        if not cli.wait_until_listening(port, [web], []):
            print("gunicorn did not start", file=sys.stderr)
            return 1
        print(f"gunicorn: {workers} workers × {threads} threads on 127.0.0.1:{port}")
        cookies = login(port, "officer")
        rng = np.random.default_rng(3)
        paths = [
            f"/welfare/outreach/{code}/" + (f"?page={int(p)}" if p > 1 else "")
            for p in rng.integers(1, pages + 1, args.requests)
        ]
        warm = Client(port, cookies)
        for path in paths[:20]:
            warm.request("GET", path)
        warm.close()

        def page_ok(text: str) -> bool:
            return name in text and 'class="reasons"' in text

        timings, failures, wall_s = measure(port, cookies, paths, args.clients, page_ok)
        # The baseline, measured through the same server in the same run: a static file
        # (no database, no template) requested the same way by the same clients.
        static = ["/static/welfare/welfare.css"] * args.requests
        static_ms, static_failures, _ = measure(
            port, cookies, static, args.clients, lambda text: "button" in text
        )
        failures += static_failures
    finally:
        cli.stop([web])
    if failures:
        print(f"{len(failures)} failures, e.g. {failures[:3]}", file=sys.stderr)
        return 1
    ms = np.array(timings)
    p50, p95, p99 = (float(np.percentile(ms, q)) for q in (50, 95, 99))
    print(
        f"{len(ms)} requests over {pages} pages by {args.clients} clients in {wall_s:.1f} s "
        f"({len(ms) / wall_s:.0f}/s): p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms"
    )
    static_p95 = float(np.percentile(np.array(static_ms), 95))
    print(f"static file through the same server: p95 {static_p95:.1f} ms")
    from _common import result

    result("outreach_page", p95, "ms", baseline=static_p95, target=f"<={TARGET_MS:.0f}", digits=1)
    return 0


def measure(
    port: int, cookies: Any, paths: list[str], clients: int, ok: Callable[[str], bool]
) -> tuple[list[float], list[str], float]:
    """Request every path once, by `clients` concurrent sessions; (ms each, failures, wall s)."""
    from _common import Client

    timings: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    cursor = iter(paths)

    def client() -> None:
        session = Client(port, cookies)
        try:
            while True:
                with lock:
                    path = next(cursor, None)
                if path is None:
                    return
                t = time.perf_counter()
                status, text = session.request("GET", path)
                elapsed_ms = (time.perf_counter() - t) * 1000
                with lock:
                    timings.append(elapsed_ms)
                    if status != 200 or not ok(text):
                        failures.append(f"{path}: HTTP {status}")
        finally:
            session.close()

    began = time.perf_counter()
    threads_ = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads_:
        thread.start()
    for thread in threads_:
        thread.join()
    return timings, failures, time.perf_counter() - began


if __name__ == "__main__":
    raise SystemExit(main())
