"""Figure: the city funnel (35 dongs, 1,000,000 residents, 12 rounds) as the coverage pages
compute it, beside the same counts from one DuckDB query over the same rows.

A fresh SQLite database (or the PostgreSQL of --database-url) gets the demo city's dongs and,
per dong and monthly round, what a year of outreach leaves behind: every flagged resident of
the round with why they are or are not listed (about 8 % of 1,000,000 residents a round), the
visits of the listed with their outcomes, cases with needs (met or not), served referrals,
follow-up visits and closures; each round keeps its flags counted by status, as scoring
stores them. Timed: `saram.welfare.services.funnel.funnel_by_round` over
every dong, summed per dong and for the city (what the city view and the map call). DuckDB
loads the same tables (not timed) and computes every round's six steps in one query; both
must agree on every count. Best of 3 each.

    PYTHONPATH=src .venv/bin/python bench/funnel.py [--residents N] [--rounds R]

Last line: RESULT funnel <s> s baseline=<duckdb_s> ratio=<s/duckdb_s> target=<=1.0
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SRC = Path(__file__).resolve().parent.parent / "src"
TARGET_S = 1.0
LISTED_PER_ROUND = 60


CPU_S: dict[str, float] = {}


def best_of(runs: int, work, name: str = ""):  # type: ignore[no-untyped-def]
    """Best wall time of `runs`; the CPU time of that run is kept in CPU_S[name] (on a shared
    machine the wall time also counts the time other processes held the cores)."""
    best, result = float("inf"), None
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        result = work()
        elapsed = time.perf_counter() - started
        if elapsed < best:
            best, CPU_S[name] = elapsed, time.process_time() - cpu
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--flagged-share", type=float, default=0.08)
    parser.add_argument("--seed", type=int, default=20250630)
    parser.add_argument("--database-url", default=os.environ.get("SARAM_DATABASE_URL", ""))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="saram-bench-funnel-"))
    os.environ["SARAM_DATA_DIR"] = str(work)
    os.environ["SARAM_DATABASE_URL"] = args.database_url or f"sqlite:///{work}/saram.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saram.settings")
    sys.path.insert(0, str(SRC))
    try:
        return run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def prepare(args: argparse.Namespace) -> tuple[list[int], dt.date]:
    """The city's dongs and a year of rounds, flags, visits and cases; returns the dong ids
    and the day the funnel is read."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from saram.core.models import Dong
    from saram.core.services.cities import load_city
    from saram.welfare.models import Round, RoundStatus
    from saram.welfare.services.config import ensure_default_config

    call_command("migrate", verbosity=0)
    city = load_city(settings.SARAM_CITY_DIR).city
    config = ensure_default_config(city=city)
    officer = get_user_model().objects.create_user("bench-officer", password="x")
    dongs = list(Dong.objects.filter(gu__city=city).order_by("id").values_list("id", flat=True))
    rng = np.random.default_rng(args.seed)
    today = dt.date(2025, 12, 20)
    per_dong = args.residents // len(dongs)
    flagged_per_round = int(per_dong * args.flagged_share)
    started = time.perf_counter()
    statuses = np.array(["below_cutoff", "open_case", "recent_visit", "waiting"])
    outcomes = np.array(["met", "met", "met", "not_home", "refused", "moved", "deceased", ""])
    with transaction.atomic():
        rounds = []
        for dong_id in dongs:
            for month in range(args.rounds):
                as_of = dt.date(2025, month + 1, 1)
                rounds.append(
                    Round(
                        dong_id=dong_id,
                        number=month + 1,
                        config=config,
                        as_of=as_of,
                        list_size=LISTED_PER_ROUND,
                        status=RoundStatus.CLOSED if month < args.rounds - 1 else RoundStatus.OPEN,
                        scored_count=flagged_per_round,
                        listed_count=LISTED_PER_ROUND,
                    )
                )
        Round.objects.bulk_create(rounds, batch_size=1000)
        round_rows = list(Round.objects.order_by("id").values_list("id", "dong_id", "as_of"))
        # People: person ids are dong-local ranges; only the listed need a stored resident.
        cursor = connection.cursor()
        raw = connection.connection
        marks = lambda n: ", ".join(["%s" if connection.vendor == "postgresql" else "?"] * n)  # noqa: E731
        listed_pool = {d: [] for d in dongs}
        people = []
        now = timezone.now() if connection.vendor == "postgresql" else dt.datetime(2025, 12, 1)
        base = 10_000_000
        for i, dong_id in enumerate(dongs):
            for j in range(300):
                pid = base + i * per_dong + j
                listed_pool[dong_id].append(pid)
                people.append(
                    (
                        pid,
                        f"b{pid}",
                        dong_id,
                        "주민",
                        "1950-01-01",
                        "F",
                        b"",
                        f"h{pid}",
                        f"송천로 {j}",
                        "",
                        False,
                        False,
                        now,
                        now,
                    )
                )
        insert_people = (
            "INSERT INTO core_person (id, key, dong_id, name, birth_date, sex, rrn_cipher, "
            f"rrn_hmac, address, phone, lives_alone, consent, created_at, updated_at) "
            f"VALUES ({marks(14)})"
        )
        (raw.cursor() if connection.vendor == "postgresql" else raw).executemany(
            insert_people, people
        )
        flags, attempts, cases, needs, referrals, visits = [], [], [], [], [], []
        case_id = 0
        open_cases: set[int] = set()
        for round_id, dong_id, as_of in round_rows:
            i = dongs.index(dong_id)
            ids = base + i * per_dong + rng.choice(per_dong, flagged_per_round, replace=False)
            listed = np.array(rng.choice(listed_pool[dong_id], LISTED_PER_ROUND, replace=False))
            ids = np.unique(np.concatenate([ids[~np.isin(ids, listed)], listed]))
            status = statuses[rng.integers(0, 4, len(ids))]
            status[np.isin(ids, listed)] = "listed"
            score = rng.random(len(ids)) * 40
            for pid, st, sc in zip(ids.tolist(), status.tolist(), score.tolist(), strict=True):
                flags.append((round_id, pid, dong_id, sc, sc * 2, st, False, 14))
            # Naive UTC, as Django stores an aware time in SQLite.
            assigned = dt.datetime.combine(as_of, dt.time(9))
            if connection.vendor == "postgresql":
                assigned = assigned.replace(tzinfo=dt.UTC)
            for pid in listed.tolist():
                outcome = str(outcomes[rng.integers(0, len(outcomes))])
                is_open = outcome in ("", "not_home") and as_of.month == args.rounds
                st = "open" if is_open else ("done" if outcome == "met" else "ended")
                if outcome == "" and not is_open:
                    st = "returned"
                need = None if outcome != "met" else bool(rng.random() < 0.6)
                reached = assigned + dt.timedelta(days=3) if outcome == "met" else None
                attempts.append(
                    (
                        round_id,
                        pid,
                        dong_id,
                        officer.pk,
                        assigned,
                        "바꾼 목적",
                        as_of + dt.timedelta(days=14),
                        st,
                        reached,
                        reached.date() if reached else None,
                        outcome,
                        need,
                        False,
                        False,
                        "",
                        "",
                    )
                )
                if need:
                    case_id += 1
                    opened = assigned + dt.timedelta(days=5)
                    # At most one open case per person: an earlier one closes first.
                    closed = rng.random() < 0.3 or pid in open_cases
                    if not closed:
                        open_cases.add(pid)
                    cases.append(
                        (
                            case_id,
                            pid,
                            dong_id,
                            "integrated",
                            officer.pk,
                            opened,
                            opened + dt.timedelta(days=60) if closed else None,
                            "resolved" if closed else "",
                        )
                    )
                    needs.append((case_id, "food", "", bool(rng.random() < 0.5), opened))
                    if rng.random() < 0.3:
                        referrals.append((case_id, dong_id, "served", officer.pk, opened))
                    if rng.random() < 0.4:
                        visits.append(
                            (
                                pid,
                                dong_id,
                                case_id,
                                officer.pk,
                                opened + dt.timedelta(days=20),
                                "met",
                                "[]",
                                "",
                                opened,
                            )
                        )
        executor = raw.cursor() if connection.vendor == "postgresql" else raw
        # What scoring stores with each round: its flags counted by status.
        counts: dict[int, dict[str, int]] = {}
        for round_id, _pid, _dong, _score, _pct, st, _u, _d in flags:
            counts.setdefault(round_id, {}).setdefault(st, 0)
            counts[round_id][st] += 1
        for round_id, by_status in counts.items():
            Round.objects.filter(pk=round_id).update(flag_counts=by_status)
        executor.executemany(
            "INSERT INTO welfare_flaggedperson (round_id, person_id, dong_id, score, risk_pct, "
            f"status, is_urgent, due_days) VALUES ({marks(8)})",
            flags,
        )
        executor.executemany(
            "INSERT INTO welfare_assignment (round_id, person_id, dong_id, assignee_id, "
            "assigned_at, purpose, due_on, status, reached_at, reached_on, outcome, "
            "need_confirmed, is_urgent, is_high_risk, transfer_note, returned_reason) "
            f"VALUES ({marks(16)})",
            attempts,
        )
        executor.executemany(
            "INSERT INTO welfare_case (id, person_id, dong_id, programme, opened_by_id, opened_at, "
            "closed_at, closure_reason, closure_note, stage, intake_note, assessment_note) "
            f"VALUES ({marks(8)}, '', 'assessment', '', '')",
            cases,
        )
        executor.executemany(
            "INSERT INTO welfare_caseneed (case_id, category, detail, is_met, created_at) "
            f"VALUES ({marks(5)})",
            needs,
        )
        cursor.execute(
            "INSERT INTO welfare_resource (city_id, name, kind, provider, needs, description, "
            "eligibility, contact, is_active) VALUES (%s, 'r', 'local', 'p', '[]', '', '', '', %s)",
            [city.pk, True],
        )
        cursor.execute("SELECT MAX(id) FROM welfare_resource")
        resource_id = cursor.fetchone()[0]
        executor.executemany(
            "INSERT INTO welfare_referral (case_id, resource_id, dong_id, status, note, "
            f"sent_by_id, sent_at, decline_reason) VALUES ({marks(1)}, {resource_id}, "
            f"{marks(2)}, '', {marks(2)}, '')",
            referrals,
        )
        executor.executemany(
            "INSERT INTO welfare_visit (person_id, dong_id, case_id, visitor_id, visited_at, "
            f"outcome, needs, note, recorded_at) VALUES ({marks(9)})",
            visits,
        )
    cursor.execute("ANALYZE")
    print(
        f"database: {connection.vendor}; {len(dongs)} dongs, {len(round_rows)} rounds, "
        f"{len(flags):,} flagged rows, {len(attempts):,} visits assigned, {len(cases):,} cases "
        f"written in {time.perf_counter() - started:.1f} s (cpus {os.cpu_count()}, load "
        f"{os.getloadavg()[0]:.2f})"
    )
    return dongs, today


DUCKDB_QUERY = """
WITH att AS (
  SELECT a.round_id, a.person_id,
    max(CASE WHEN a.outcome = 'met' THEN 6 WHEN a.outcome = 'deceased' THEN 5
             WHEN a.outcome = 'moved' THEN 4 WHEN a.outcome = 'refused' THEN 3
             WHEN a.status = 'returned' AND a.outcome = '' THEN 2
             WHEN a.outcome = 'not_home' THEN 1 ELSE 0 END) AS outcome,
    max(CASE WHEN a.need_confirmed IS NULL THEN -1 WHEN CAST(a.need_confirmed AS INTEGER) = 1 THEN 1
             ELSE 0 END) AS need,
    bool_or(EXISTS (SELECT 1 FROM caseneed n JOIN cases c ON c.id = n.case_id
            WHERE c.person_id = a.person_id AND c.opened_at >= a.assigned_at)) AS assessed,
    bool_or(EXISTS (SELECT 1 FROM caseneed n JOIN cases c ON c.id = n.case_id
            WHERE c.person_id = a.person_id AND c.opened_at >= a.assigned_at
              AND CAST(n.is_met AS INTEGER) = 1)
         OR EXISTS (SELECT 1 FROM referral r JOIN cases c ON c.id = r.case_id
            WHERE c.person_id = a.person_id AND c.opened_at >= a.assigned_at
              AND r.status = 'served')) AS helped,
    bool_or(EXISTS (SELECT 1 FROM visit v JOIN cases c ON c.id = v.case_id
            WHERE c.person_id = a.person_id AND c.opened_at >= a.assigned_at
              AND v.visited_at > a.reached_at)
         OR EXISTS (SELECT 1 FROM cases c WHERE c.person_id = a.person_id
            AND c.opened_at >= a.assigned_at AND c.closed_at IS NOT NULL
            AND c.closure_reason IN ('resolved', 'connected'))) AS followed
  FROM assignment a GROUP BY a.round_id, a.person_id
), steps AS (
  SELECT round_id,
    count(*) FILTER (WHERE outcome = 6) AS reached,
    count(*) FILTER (WHERE outcome = 6 AND (need = 0 OR assessed)) AS assessed,
    count(*) FILTER (WHERE outcome = 6 AND (need = 0 OR assessed) AND helped) AS helped,
    count(*) FILTER (WHERE outcome = 6 AND (need = 0 OR assessed) AND helped AND followed)
      AS followed
  FROM att GROUP BY round_id
), flags AS (
  SELECT round_id, count(*) AS flagged, count(*) FILTER (WHERE status = 'listed') AS listed
  FROM flagged GROUP BY round_id
)
SELECT f.round_id, f.flagged, f.listed, coalesce(s.reached, 0), coalesce(s.assessed, 0),
       coalesce(s.helped, 0), coalesce(s.followed, 0)
FROM flags f LEFT JOIN steps s USING (round_id) ORDER BY f.round_id
"""


def load_duckdb(work: Path):  # type: ignore[no-untyped-def]
    """The same rows in DuckDB, through CSV files written from the database (not timed)."""
    import duckdb
    import polars as pl
    from django.db import connection

    tables = {
        "flagged": "SELECT round_id, person_id, status FROM welfare_flaggedperson",
        "assignment": "SELECT round_id, person_id, outcome, status, need_confirmed, "
        "assigned_at, reached_at FROM welfare_assignment",
        "cases": "SELECT id, person_id, opened_at, closed_at, closure_reason FROM welfare_case",
        "caseneed": "SELECT case_id, is_met FROM welfare_caseneed",
        "referral": "SELECT case_id, status FROM welfare_referral",
        "visit": "SELECT case_id, visited_at FROM welfare_visit WHERE case_id IS NOT NULL",
    }
    con = duckdb.connect()
    for name, sql in tables.items():
        with connection.cursor() as cursor:
            cursor.execute(sql)
            columns = [c[0] for c in cursor.description]
            rows = cursor.fetchall()
        frame = pl.DataFrame(rows, schema=columns, orient="row", infer_schema_length=None)
        path = work / f"{name}.csv"
        frame.write_csv(path)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv_auto('{path}')")
    return con


def run(args: argparse.Namespace, work: Path) -> int:
    dongs, today = prepare(args)
    from saram.welfare.services import funnel

    def city_funnel():  # type: ignore[no-untyped-def]
        rows = funnel.funnel_by_round(dong_ids=dongs, today=today)
        return rows, funnel.by_dong(rows), funnel.total(rows)

    product_s, (rows, by_dong, city) = best_of(3, city_funnel, "funnel")
    print(
        f"funnel_by_round over {len(dongs)} dongs: {product_s:.3f} s; city: "
        + ", ".join(f"{k} {v:,}" for k, v in city.steps.items())
        + f"; reached {city.reached_pct}% of the flagged; per dong rows {len(by_dong)}"
    )
    con = load_duckdb(work)
    duck_s, duck = best_of(3, lambda: con.execute(DUCKDB_QUERY).fetchall(), "duckdb")
    ours = sorted((r.round_id, *(r.steps[k] for k in funnel.STEPS)) for r in rows)
    theirs = sorted(tuple(int(v) for v in row) for row in duck)
    assert ours == theirs, f"the funnel and DuckDB disagree: {ours[:3]} vs {theirs[:3]}"
    print(f"duckdb: {duck_s:.3f} s for the same counts ({len(theirs)} rounds agree)")
    print(
        f"cpu time of the best runs: funnel {CPU_S['funnel']:.3f} s, "
        f"duckdb {CPU_S['duckdb']:.3f} s "
        f"(duckdb uses every core); load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cpus"
    )
    from _common import result

    result("funnel", product_s, "s", baseline=duck_s, target=f"<={TARGET_S}", digits=3)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
