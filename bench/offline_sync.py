"""Figure: 200 visits queued offline on a member's phone, sent when back online and stored,
end to end through the real server (gunicorn), with none lost.

Prepares a temporary SQLite installation as `saram demo --no-serve --residents N` does, gives
the demo committee member 400 open visits (a round of their dong), starts gunicorn as
`saram demo` does and logs in as the member. Then:

- figure: the phone's sync, as `offline.js` sends it: one POST of the 200 queued visits to
  /welfare/my/sync/ (each with its own id and the version the phone saw), until every visit is
  in the database; sending the same queue again must store nothing twice;
- baseline (same run, same server): the same number of visits recorded online one by one
  through the member's visit form (POST /welfare/my/<id>/), the path without the phone queue.

    PYTHONPATH=src .venv/bin/python bench/offline_sync.py [--residents N] [--visits V]

Last line (bench/_common.py `result`): RESULT offline_sync_200 <s> s baseline=<s>
ratio=<figure/baseline> target=<=10s, the ratio the exact quotient of the two printed values.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Client, bench_environment, django_setup, load_demo, login, result, web_server

TARGET_S = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=30_000)
    parser.add_argument("--visits", type=int, default=200)
    args = parser.parse_args()
    with bench_environment("offline"):
        return run(args)


def give_visits(count: int) -> list[int]:
    """Up to `count` open visits of the demo member's dong, all given to the member: a round
    listed by the product, its entries handed to the member directly (the round's balancing
    across visitors is not what is measured)."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from saram.core.models import RoleAssignment
    from saram.welfare.models import Assignment, AssignmentStatus, Round, RoundStatus
    from saram.welfare.services import rounds

    users = get_user_model().objects
    member = users.get(username="member")
    officer = users.get(username="officer")
    dong = RoleAssignment.objects.get(user=member).dong
    Assignment.objects.filter(assignee=member, status=AssignmentStatus.OPEN).update(
        status=AssignmentStatus.RETURNED
    )
    Round.objects.filter(dong=dong, status=RoundStatus.OPEN).update(status=RoundStatus.CLOSED)
    round_ = rounds.plan_round(by=officer, dong=dong, list_size=count)
    now = timezone.now()
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.OPEN, started_at=now)
    made = Assignment.objects.bulk_create(
        Assignment(
            round=round_,
            entry=entry,
            person_id=entry.person_id,
            dong=dong,
            assignee=member,
            assigned_by=officer,
            assigned_at=now,
            purpose="안부 확인",
            due_on=timezone.localdate() + dt.timedelta(days=14),
        )
        for entry in round_.entries.all()
    )
    return [a.pk for a in made]


def post_json(client: Client, path: str, payload: object) -> tuple[int, dict]:
    headers = {
        "Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items()),
        "Content-Type": "application/json",
        "X-CSRFToken": client.cookies.get("csrftoken", ""),
        "Referer": f"http://127.0.0.1:{client.port}/welfare/my/",
    }
    client.connection.request("POST", path, body=json.dumps(payload), headers=headers)
    response = client.connection.getresponse()
    return response.status, json.loads(response.read() or b"{}")


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    load_demo(args.residents)
    print(f"prepared {args.residents:,} residents in {time.perf_counter() - started:.1f} s")
    django_setup(migrate=False)
    from saram.welfare.models import Visit

    ids = give_visits(2 * args.visits)
    if len(ids) < 2 * args.visits:  # the baseline records as many visits as the figure
        raise SystemExit(f"only {len(ids)} people listed; use more --residents")
    queued_ids, online_ids = ids[: args.visits], ids[args.visits : 2 * args.visits]

    with web_server() as port:
        print(f"gunicorn as `saram demo` runs it, on 127.0.0.1:{port}")
        phone = Client(port, login(port, "member"))
        status, body = phone.request("GET", "/welfare/my/offline.json")
        bundle = json.loads(body)
        versions = {a["id"]: a["version"] for a in bundle["assignments"]}
        queue = [
            {
                "id": str(uuid.uuid4()),
                "kind": "visit",
                "assignment": pk,
                "visited_at": _now_iso(),
                "outcome": "met",
                "needs": ["food"],
                "note": f"offline {n}",
                "version": versions[pk],
            }
            for n, pk in enumerate(queued_ids)
        ]

        # Figure: the queue sent when the phone is back online, until all are stored.
        t = time.perf_counter()
        status, answer = post_json(phone, "/welfare/my/sync/", {"items": queue})
        figure_s = time.perf_counter() - t
        if status != 200:
            print(f"sync failed: HTTP {status} {answer}", file=sys.stderr)
            return 1
        counts: dict[str, int] = {}
        for r in answer["results"]:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        stored = Visit.objects.filter(client_id__in=[i["id"] for i in queue]).count()
        _status, _again = post_json(phone, "/welfare/my/sync/", {"items": queue})
        twice = Visit.objects.filter(client_id__in=[i["id"] for i in queue]).count()
        lost = len(queue) - stored
        print(f"sync: {len(queue)} queued visits in {figure_s:.2f} s, answers {counts}, "
              f"stored {stored}, lost {lost}; sent again: {twice} stored")  # fmt: skip

        # Baseline: the same number of visits through the online visit form, one by one.
        t = time.perf_counter()
        for n, pk in enumerate(online_ids):
            phone.request("GET", f"/welfare/my/{pk}/")
            token = phone.cookies.get("csrftoken", "")
            status, _ = phone.request(
                "POST",
                f"/welfare/my/{pk}/",
                {
                    "csrfmiddlewaretoken": token,
                    "visited_at": _now_local(),
                    "outcome": "met",
                    "needs": "food",
                    "note": f"online {n}",
                },
            )
            if status != 302:
                print(f"online visit {pk} failed: HTTP {status}", file=sys.stderr)
                return 1
        baseline_s = time.perf_counter() - t
        online = Visit.objects.filter(assignment_id__in=online_ids).count()
        print(f"baseline: {online} visits through the visit form in {baseline_s:.2f} s")
        phone.close()
    if lost or twice != stored or online != len(online_ids):
        print("visits were lost or stored twice", file=sys.stderr)
        return 1
    # The baseline is measured above in this run; the target is the (200 in <= 10 s).
    result(
        f"offline_sync_{args.visits}",
        figure_s,
        "s",
        baseline=baseline_s,
        target=f"<={TARGET_S:.0f}s",
        digits=3,
    )
    return 0 if figure_s <= TARGET_S else 1


def _now_iso() -> str:
    from django.utils import timezone

    return timezone.localtime().replace(microsecond=0).isoformat()


def _now_local() -> str:
    from django.utils import timezone

    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


if __name__ == "__main__":
    sys.exit(main())
