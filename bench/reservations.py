"""Figure: a machine's week calendar over a year of reservations, and booking under contention.

Loads one year of reservations for 50 machines (~100,000 rows, through the overlap trigger or
exclusion constraint) into a fresh database, then:

1. times the calendar feed a machine page reads (`making:machine_events`, through Django's
   full request handling: session, auth, middleware, selector, presenter, JSON) for random
   machines and weeks; the baseline is the same SQL alone on a bare cursor (`CALENDAR_SQL`);
2. lets 8 concurrent clients book overlapping slots through the booking service and counts
   successes, refusals, throughput and double bookings (pairs of overlapping holding rows on one
   machine, counted by SQL); double bookings must be 0.

    PYTHONPATH=src .venv/bin/python bench/reservations.py [--machines 50] [--db postgres://...]

Ends with two RESULT lines: booking throughput under contention against one client alone on
machines of its own (same run, same number of attempts; target: 0 double bookings), and the
calendar page's p95 against its query alone (target: <= 50 ms).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from _common import result

SRC = Path(__file__).resolve().parent.parent / "src"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--machines", type=int, default=50)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--attempts", type=int, default=40, help="bookings per client")
    parser.add_argument("--db", default="", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="saram-bench-reservations-"))
    os.environ["SARAM_DATA_DIR"] = str(workdir)
    (workdir / "static").mkdir()
    os.environ.pop("DATABASE_URL", None)
    if args.db:
        os.environ["SARAM_DATABASE_URL"] = args.db
    else:
        os.environ.pop("SARAM_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "saram.settings"
    os.environ.setdefault("SARAM_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    sys.path.insert(0, str(SRC))
    try:
        return run(args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(args: argparse.Namespace) -> int:
    import datetime as dt
    from zoneinfo import ZoneInfo

    import django
    import numpy as np

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.urls import reverse

    from saram.core.errors import SaramError
    from saram.core.models import Role, RoleAssignment
    from saram.core.services.cities import load_city
    from saram.making.models import (
        Audience,
        Certificate,
        Course,
        CourseSession,
        Enrolment,
        Machine,
        MachineKind,
        Reservation,
        ReservationStatus,
    )
    from saram.making.selectors import CALENDAR_SQL, calendar_params
    from saram.making.services import reservations

    seoul = ZoneInfo("Asia/Seoul")
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}  cpus: {os.cpu_count()}"
    )
    t = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    city = load_city(settings.SARAM_CITY_DIR).city
    print(f"migrate + city          {time.perf_counter() - t:7.2f} s")

    rng = np.random.default_rng(10)
    users = get_user_model()
    people = users.objects.bulk_create(
        [users(username=f"bench-{i}", password="!") for i in range(500)]
    )
    machines = Machine.objects.bulk_create(
        [
            Machine(code=f"B-{i:03d}", name=f"벤치 프린터 {i}", kind=MachineKind.FDM)
            for i in range(args.machines)
        ]
    )
    year_start = dt.datetime(2025, 1, 6, tzinfo=seoul)  # a Monday
    t = time.perf_counter()
    batch: list[Reservation] = []
    total = 0
    for machine in machines:
        for day in range(365):
            hour = 8.0
            while True:
                hour += float(rng.integers(0, 2))  # a gap of 0 or 1 hour
                length = float(rng.integers(1, 4))
                if hour + length > 22:
                    break
                start = year_start + dt.timedelta(days=day, hours=hour)
                batch.append(
                    Reservation(
                        machine=machine,
                        user=people[int(rng.integers(len(people)))],
                        starts_at=start,
                        ends_at=start + dt.timedelta(hours=length),
                        status=ReservationStatus.ATTENDED,
                        created_at=start,
                    )
                )
                hour += length
            if len(batch) >= 10_000:
                Reservation.objects.bulk_create(batch)
                total += len(batch)
                batch.clear()
    Reservation.objects.bulk_create(batch)
    total += len(batch)
    print(
        f"loaded {total:,} reservations for {len(machines)} machines in "
        f"{time.perf_counter() - t:.1f} s (each insert checked by the database)"
    )

    staff = users.objects.create_user(username="bench-staff", password="!")
    RoleAssignment.objects.create(user=staff, role=Role.MAKING_STAFF, city=city)
    client = Client()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")

    picks = [
        (machines[int(rng.integers(len(machines)))], int(rng.integers(0, 51)))
        for _ in range(args.requests)
    ]
    # Warm up both paths once (imports, templates, connection).
    client.get(reverse("making:machine_events", args=[machines[0].pk]))
    with connection.cursor() as cursor:
        cursor.execute(
            CALENDAR_SQL,
            calendar_params(machines[0].pk, year_start, year_start + dt.timedelta(days=7)),
        )

    page_ms: list[float] = []
    query_ms: list[float] = []
    for machine, week in picks:
        start = year_start + dt.timedelta(weeks=week)
        end = start + dt.timedelta(days=7)
        url = reverse("making:machine_events", args=[machine.pk])
        params = {
            "start": start.strftime("%Y-%m-%dT%H:%M:%S"),
            "end": end.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        t0 = time.perf_counter()
        response = client.get(url, params)
        page_ms.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
        params_sql = calendar_params(machine.pk, start, end)
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(CALENDAR_SQL, params_sql)
            rows = cursor.fetchall()
        query_ms.append((time.perf_counter() - t0) * 1000)
        assert len(rows) == len(response.json())
    page_p95 = _p95(page_ms)
    query_p95 = _p95(query_ms)
    print(
        f"week calendar page      p50 {sorted(page_ms)[len(page_ms) // 2]:6.2f} ms  "
        f"p95 {page_p95:6.2f} ms  ({len(page_ms)} requests)"
    )
    print(
        f"same query alone        p50 {sorted(query_ms)[len(query_ms) // 2]:6.2f} ms  "
        f"p95 {query_p95:6.2f} ms"
    )

    # --- Contention: 8 clients booking overlapping slots on the same two machines ---------
    course = Course.objects.create(
        code="BENCH", title="벤치 과정", audience=Audience.PUBLIC, unlocks=MachineKind.FDM
    )
    session = CourseSession.objects.create(
        course=course,
        starts_at=year_start,
        ends_at=year_start + dt.timedelta(hours=1),
        capacity=100,
    )
    bookers = []
    for i in range(args.clients):
        user = users.objects.create_user(username=f"bench-booker-{i}", password="!")
        RoleAssignment.objects.create(user=user, role=Role.CITIZEN, city=city)
        enrolment = Enrolment.objects.create(
            session=session,
            user=user,
            name=user.username,
            status="enrolled",
            attended=True,
            created_at=year_start,
        )
        Certificate.objects.create(
            enrolment=enrolment,
            user=user,
            course=course,
            code=f"BNCH-0000-{i:04d}",
            holder_name=user.username,
            issued_at=year_start,
        )
        bookers.append(user)
    rules = reservations.RULES.__class__(
        **{**reservations.RULES.__dict__, "weekly_quota_hours": 1000}
    )
    now = dt.datetime(2026, 3, 2, 7, 0, tzinfo=seoul)

    def slot(local_rng: Any) -> dt.datetime:
        day = int(local_rng.integers(0, 4))
        return now + dt.timedelta(
            days=day,
            hours=2 + int(local_rng.integers(0, 10)),
            minutes=30 * int(local_rng.integers(0, 2)),
        )

    def attempt(who: Any, machine: Machine, start: dt.datetime) -> str:
        try:
            reservations.book(
                by=who,
                machine=machine,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1),
                now=now,
                rules=rules,
            )
            return "ok"
        except SaramError:
            return "refused"
        except Exception:  # a lock timeout would show here
            return "other"

    def double_bookings(pair: list[Machine]) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM making_reservation a JOIN making_reservation b "
                "ON a.machine_id = b.machine_id AND a.id < b.id "
                "AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at "
                "WHERE a.status IN ('booked', 'attended', 'no_show') "
                "AND b.status IN ('booked', 'attended', 'no_show') AND a.machine_id IN (%s, %s)",
                [pair[0].pk, pair[1].pk],
            )
            return int(cursor.fetchone()[0])

    # Baseline, same run: the same number of attempts from one client alone, on two other
    # machines of their own (no contention, no waiting on another's lock).
    alone = [
        Machine.objects.create(code=f"S-{i}", name=f"단독 프린터 {i}", kind=MachineKind.FDM)
        for i in range(2)
    ]
    serial_rng = np.random.default_rng(99)
    serial_outcome = {"ok": 0, "refused": 0, "other": 0}
    total_attempts = args.clients * args.attempts
    t0 = time.perf_counter()
    for i in range(total_attempts):
        key = attempt(
            bookers[i % len(bookers)], alone[int(serial_rng.integers(0, 2))], slot(serial_rng)
        )
        serial_outcome[key] += 1
    serial_elapsed = time.perf_counter() - t0
    serial_rate = total_attempts / serial_elapsed
    print(
        f"one client alone: {total_attempts} attempts in {serial_elapsed:.2f} s "
        f"({serial_rate:.1f} attempts/s): {serial_outcome['ok']} booked, "
        f"{serial_outcome['refused']} refused"
    )

    targets = [
        Machine.objects.create(code=f"C-{i}", name=f"경합 프린터 {i}", kind=MachineKind.FDM)
        for i in range(2)
    ]
    barrier = threading.Barrier(args.clients)
    outcome = {"ok": 0, "refused": 0, "other": 0}
    lock = threading.Lock()

    def client_run(index: int) -> None:
        local_rng = np.random.default_rng(100 + index)
        try:
            barrier.wait()
            for _ in range(args.attempts):
                key = attempt(
                    bookers[index], targets[int(local_rng.integers(0, 2))], slot(local_rng)
                )
                with lock:
                    outcome[key] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client_run, args=(i,)) for i in range(args.clients)]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - t0
    double = double_bookings(targets) + double_bookings(alone)
    attempts = sum(outcome.values())
    rate = attempts / elapsed
    print(
        f"contention: {args.clients} clients, {attempts} attempts in {elapsed:.2f} s "
        f"({rate:.1f} attempts/s): {outcome['ok']} booked, "
        f"{outcome['refused']} refused, {outcome['other']} other errors"
    )
    print(f"double bookings: {double} (must be 0)")
    result(
        "reservations_booking_throughput",
        rate,
        "attempts/s",
        baseline=serial_rate,
        target=f"double_bookings==0 double_bookings={double}",
        digits=1,
    )
    result(
        "reservations_week_calendar_p95",
        page_p95,
        "ms",
        baseline=query_p95,
        target="<=50ms",
    )
    return 0 if double == 0 and outcome["other"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
