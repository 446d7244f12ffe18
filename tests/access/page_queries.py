"""Every GET page of every app reads a fixed number of queries, whatever the number of rows.

One world (the authorization matrix's: the demo city with rows of every app), every page route
the classification lets some role GET, rendered as one role allowed to see it. Each page is
rendered, then every table of Saram's apps grows by a second batch of rows (copies of the rows
already there, hanging from the same parents: more cases in the dong, more notes on the case,
more jobs in the queue), and the page is rendered again: its query count must not grow (an N+1
grows it), no query may run once per row of a full page (the same query, values aside, more
than MOST_REPEATS times), and the count must stay within its ceiling in CEILINGS. A page route
missing from CEILINGS fails with the line to paste, as an unclassified route fails the matrix.
The session's save and the savepoints around writes are not counted; the audit of a read is.
Its test and fixture are collected through tests/access/test_matrix.py, which imports them:
the walk then shares the matrix's world (built once a run) and its test process.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import DataError, IntegrityError, connection, models, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .matrix import ANONYMOUS, INSIDE, World, classification, fill, page_routes, param_sources

# The role each page is read as: the first allowed one in this order (the widest view first, so
# the page lists the most rows).
PREFERENCE = (
    "city_admin",
    "making_staff",
    "welfare_officer",
    "welfare_supervisor",
    "procurement_officer",
    "social_economy_officer",
    "nutritionist",
    "incubator_manager",
    "instructor",
    "committee_member",
    "citizen",
    ANONYMOUS,
)
# Pages read as another role than the first allowed: the role whose own rows the page shows.
ROLE_OF: dict[str, str] = {}

# The most queries each page may make once warm (session, user, roles and audit included).
# A page whose count grows with its rows fails whatever its ceiling: fix the selector
# (select_related / prefetch_related / annotate), never the ceiling.
CEILINGS: dict[str, int] = {
    "api:openapi-json": 2,
    "api:openapi-view": 3,
    "audit_log": 8,
    "dong_detail": 6,
    "dongs_geojson": 3,
    "duplicate_detail": 4,
    "duplicate_list": 5,
    "economy:demand_import": 4,
    "economy:employee_survey_create": 4,
    "economy:home": 9,
    "economy:ledger_import": 4,
    "economy:ledger_imports": 5,
    "economy:ledger_job": 4,
    "economy:ledger_rows": 7,
    "economy:ledger_splits": 9,
    "economy:local_share": 6,
    "economy:lot_planner": 18,
    "economy:meals_deliveries": 4,
    "economy:meals_home": 9,
    "economy:meals_import": 3,
    "economy:meals_job": 4,
    "economy:meals_run": 9,
    "economy:meals_run_new": 7,
    "economy:meals_substitutions": 4,
    "economy:meals_tracking": 7,
    "economy:multiplier": 15,  # and the welfare purchases recorded on a page
    "economy:ocds_export": 7,
    "economy:plan_create": 4,
    "economy:plan_detail": 10,
    "economy:plan_export": 8,
    "economy:plan_list": 6,
    "economy:plan_ocds": 8,
    "economy:policy_check": 10,
    "economy:policy_revision": 4,
    "economy:policy_rules": 5,
    "economy:policy_version_edit": 5,
    "economy:policy_version_new": 4,
    "economy:purchase_award": 5,
    "economy:social_economy": 12,  # and the welfare purchases recorded on a page
    "economy:supplier_create": 5,
    "economy:supplier_detail": 7,
    "economy:supplier_edit": 7,
    "economy:supplier_import": 3,
    "economy:supplier_list": 7,
    "economy:supplier_map": 4,
    "economy:supplier_map_geojson": 5,
    "economy:support_create": 4,
    "economy:survey_create": 4,
    "economy:survey_import": 3,
    "economy:uniforms": 13,
    "economy:welfare_purchase_create": 8,
    "economy:welfare_purchase_edit": 7,
    "economy:welfare_purchases": 5,
    "home": 4,
    "import_template": 2,
    "job_detail": 4,
    "job_errors": 6,
    "making:annual_report": 8,
    "making:catalogue": 6,
    "making:certificate_pdf": 4,
    "making:cluster": 6,
    "making:cluster_member": 10,
    "making:cluster_member_edit": 5,
    "making:cluster_member_import": 3,
    "making:cluster_member_new": 4,
    "making:company": 13,
    "making:course_edit": 4,
    "making:course_new": 3,
    "making:device_budget_edit": 4,
    "making:device_budget_end": 4,
    "making:device_budgets": 10,
    "making:dong_shapes": 2,
    "making:event_cancel": 5,
    "making:event_edit": 4,
    "making:event_new": 3,
    "making:events": 5,
    "making:founder_edit": 7,
    "making:founder_remove": 8,
    "making:gallery": 4,
    "making:gallery_delete": 4,
    "making:gallery_edit": 5,
    "making:gallery_new": 4,
    "making:gallery_photo": 3,
    "making:home": 7,
    "making:incubator": 18,
    "making:machine": 8,
    "making:machine_edit": 8,
    "making:machine_events": 5,
    "making:machine_import": 3,
    "making:machine_new": 6,
    "making:machine_retire": 5,
    "making:machines": 4,
    "making:material_edit": 4,
    "making:material_import": 3,
    "making:material_new": 3,
    "making:materials": 4,
    "making:mentoring_edit": 4,
    "making:mentoring_remove": 4,
    "making:milestone_edit": 4,
    "making:milestone_remove": 4,
    "making:mine": 9,
    "making:print_discount_edit": 4,
    "making:print_discount_end": 4,
    "making:print_discount_new": 3,
    "making:print_discounts": 4,
    "making:print_home": 5,
    "making:print_job": 5,  # the chosen material's state on the printers (loaded or not)
    "making:print_model": 4,
    "making:print_progress": 4,
    "making:print_queue": 5,
    "making:project": 7,
    "making:project_edit": 9,
    "making:project_import": 3,
    "making:project_new": 5,
    "making:projects": 6,
    "making:session": 5,
    "making:session_cancel": 5,
    "making:session_edit": 7,
    "making:session_new": 7,
    "making:stats": 7,
    "making:tenant": 13,
    "making:tenant_edit": 7,
    "making:tenant_new": 6,
    "making:verify": 3,
    "organisation_detail": 4,
    "organisation_list": 6,
    "organisations_import": 3,
    "people_export": 7,
    "people_import": 3,
    "people_list": 9,
    "person_create": 5,
    "person_detail": 7,
    "person_edit": 7,
    "token_list": 4,
    "token_revoke": 4,
    "welfare:alert_detail": 8,
    "welfare:alerts": 8,
    "welfare:approvals": 9,  # each request shows its plan's steps
    "welfare:assignment_detail": 16,
    "welfare:case_detail": 36,
    "welfare:cases": 9,
    "welfare:committee_detail": 11,
    "welfare:committees": 7,
    "welfare:concern_detail": 8,
    "welfare:concerns": 8,
    "welfare:config": 9,
    "welfare:config_edit": 5,
    "welfare:config_version": 6,
    "welfare:conflicts": 7,
    "welfare:consent_scan": 7,
    "welfare:coverage": 9,
    "welfare:coverage_dong": 10,
    "welfare:coverage_geojson": 9,
    "welfare:dong_settings": 6,
    "welfare:funnel": 7,
    "welfare:help": 3,
    "welfare:help_done": 2,
    "welfare:help_places": 2,
    "welfare:help_queue": 8,
    "welfare:help_request": 8,
    "welfare:help_status": 3,
    "welfare:home": 3,
    "welfare:import_detail": 4,
    "welfare:import_errors": 7,
    "welfare:imports": 6,
    "welfare:kind_new": 3,
    "welfare:meeting_detail": 7,
    "welfare:model_check": 6,
    "welfare:my": 8,
    "welfare:my_concern": 4,
    "welfare:my_visit": 12,
    "welfare:offline_app": 3,
    "welfare:offline_bundle": 7,
    "welfare:offline_manifest": 2,
    "welfare:offline_sw": 3,
    "welfare:outreach": 4,
    "welfare:outreach_dong": 13,
    "welfare:person": 12,
    "welfare:person_consents": 8,
    "welfare:resource_edit": 4,
    "welfare:resource_new": 3,
    "welfare:resources": 5,
    "welfare:review_detail": 7,
    "welfare:reviews": 8,
    "welfare:round_detail": 12,
    "welfare:round_visit_list": 8,
    "welfare:transfer_new": 5,
    "welfare:transfers": 8,
    "welfare:visits": 9,
}

# Tables that do not grow: the audit chain (each entry hashes the one before it).
FIXED_TABLES = frozenset({"core.AuditEntry", "core.AuditHead"})
SARAM_APPS = frozenset({"core", "welfare", "economy", "making"})
# The most rows of one table copied: the big tables (ledger, school months) show through totals
# and pages, and a page of rows is full long before.
MOST_COPIED = 1200
# The most rows of one table copied one by one when a constraint refuses some of the batch.
ONE_BY_ONE = 60


def _client(user: Any | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def get_pages() -> dict[str, str]:
    """Page route key → the role it is read as."""
    classified = classification()
    pages = {}
    for route in page_routes():
        roles = classified.get(route.key, {}).get("GET")
        if not roles:
            continue
        pages[route.key] = ROLE_OF.get(route.key) or next(r for r in PREFERENCE if r in roles)
    return pages


# --- The second batch --------------------------------------------------------------------------


_serial = itertools.count(1)


def _varied(field: models.Field, value: Any, n: int) -> Any:
    """A value of `field` unlike `value` and unlike every other copy's (a unique field)."""
    if isinstance(field, models.CharField | models.TextField | models.SlugField):
        suffix = f"~{next(_serial)}"
        limit = field.max_length or 200
        return f"{value or ''}"[: limit - len(suffix)] + suffix
    if isinstance(field, models.DateTimeField | models.DateField) and value is not None:
        return value + dt.timedelta(days=n * 3000)
    if isinstance(field, models.IntegerField) and value is not None:
        return value + 10_000 * n  # within a small integer (a year becomes 12026)
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    return None


def _unique_sets(model: type[models.Model]) -> list[tuple[str, ...]]:
    sets: list[tuple[str, ...]] = [
        (f.name,)
        for f in model._meta.concrete_fields
        if f.unique and not f.primary_key  # type: ignore[attr-defined]
    ]
    sets += [tuple(t) for t in model._meta.unique_together]
    sets += [
        tuple(c.fields)
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.fields
    ]
    return sets


def _rank(field: Any, copied: dict[str, dict[Any, Any]]) -> int:
    """How to make a copy differ in this field: text first; a parent that has copies of its
    own (the copy hangs from the parent's copy: a second person's case); never a code."""
    if field.is_relation:
        return 4 if field.related_model._meta.label in copied else 9
    if isinstance(field, models.CharField | models.TextField) and not field.choices:
        return 0
    if isinstance(field, models.UUIDField):
        return 1
    if isinstance(field, models.DateField | models.DateTimeField):
        return 2
    if isinstance(field, models.IntegerField) and not field.choices:
        return 3
    return 9


def _copy_table(model: type[models.Model], n: int, copied: dict[str, dict[Any, Any]]) -> int:
    """Copies of the table's rows (the first MOST_COPIED), under the same parents where the
    table allows it, else under the copies of their parents; `copied` maps each table's
    original rows to their copies."""
    vary: set[Any] = set()
    for names in _unique_sets(model):
        fields = [model._meta.get_field(name) for name in names]
        best = min(fields, key=lambda f: _rank(f, copied))
        if _rank(best, copied) == 9:
            return 0  # unique by a parent that has no copies (a user's one profile)
        vary.add(best)
    rows = list(model._default_manager.order_by("pk")[:MOST_COPIED])
    originals, copies = [], []
    for row in rows:
        values = {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}
        for field in vary:
            old = values[field.attname]
            if field.is_relation and old is not None:
                values[field.attname] = copied[field.related_model._meta.label].get(old)
                if values[field.attname] is None:
                    break  # its parent was not copied
            elif field.is_relation:
                continue  # no parent: no clash
            else:
                values[field.attname] = _varied(field, old, n)
        else:
            copy = model(**values)
            copy.pk = None
            originals.append(row.pk)
            copies.append(copy)
    try:
        with transaction.atomic():
            model._default_manager.bulk_create(copies, batch_size=500)
    except (IntegrityError, DataError):
        # A conditional constraint (one open case per person) refuses some copies: the others
        # (closed cases) one by one.
        kept = []
        for original, copy in list(zip(originals, copies, strict=True))[:ONE_BY_ONE]:
            try:
                with transaction.atomic():
                    copy.save(force_insert=True)
                kept.append((original, copy))
            except (IntegrityError, DataError):
                continue
        originals, copies = [o for o, _ in kept], [c for _, c in kept]
    copied[model._meta.label] = {o: c.pk for o, c in zip(originals, copies, strict=True)}
    return len(copies)


def grow(n: int = 1) -> dict[str, int]:
    """A second batch of rows in every table of Saram's apps: label → rows added."""
    added = {}
    copied: dict[str, dict[Any, Any]] = {}
    for model in apps.get_models():
        label = model._meta.label
        if (
            model._meta.app_label not in SARAM_APPS
            or model._meta.proxy
            or not model._meta.managed
            or label in FIXED_TABLES
        ):
            continue
        added[label] = _copy_table(model, n, copied)
    return added


# --- Counting ----------------------------------------------------------------------------------

_LITERAL = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b|\"s\d+_x\d+\"")
_IN_LIST = re.compile(r"\((?:\s*\?\s*,)+\s*\?\s*\)")
# Not counted: the session's save (when the idle timeout is renewed, not on every request) and
# the savepoints that wrap writes.
_NOISE = re.compile(r'^\s*(?:(?:RELEASE |ROLLBACK TO )?SAVEPOINT\b|UPDATE "django_session")')
# The most times one query (its values aside) may run in a render: more is a query per row.
MOST_REPEATS = 4
# Pages that answer a redirect, not a page, whatever the row (the role's start page elsewhere).
REDIRECTS = frozenset({"welfare:home", "welfare:outreach", "welfare:help_done"})


def _lots(world: World) -> str:
    from saram.economy.models import Programme

    books = Programme.objects.get(code="library-books")
    return f"programme={books.pk}&fiscal_year=2026&bid_award_ratio_percent=90"


def _check(world: World) -> str:
    from saram.economy.models import Programme

    books = Programme.objects.get(code="library-books")
    return f"category={books.category_id}&estimated_amount_krw=60000000&requested_on=2025-05-01"


# A query string a page needs to answer, or to show its rows rather than its empty form (the
# lot planner's proposal, the policy check's answer, a year of the ledger).
QUERIES: dict[str, Any] = {
    "economy:ocds_export": "year=2025",
    "economy:lot_planner": _lots,
    "economy:policy_check": _check,
    "economy:local_share": "year=2024",
    "economy:ledger_rows": "year=2024",
    "economy:ledger_splits": "year=2024",
    "economy:multiplier": "year=2024",
    "economy:social_economy": "year=2024",
}


def shape(sql: str) -> str:
    """A query with its values taken out: the same shape run once per row is an N+1."""
    return _IN_LIST.sub("(…)", _LITERAL.sub("?", sql))


def _read(client: Client, url: str) -> tuple[int, list[str]]:
    """Warm what outlives a request (the city, rule books, cached counts), then count."""
    client.get(url)
    return _count(client, url)


def _count(client: Client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return response.status_code, [
        q["sql"] for q in queries.captured_queries if not _NOISE.search(q["sql"])
    ]


def _repeated(sql: list[str]) -> list[str]:
    return [
        f"{n}× {s[:240]}" for s, n in Counter(map(shape, sql)).most_common() if n > MOST_REPEATS
    ]


@pytest.fixture(scope="module")
def pages(world: World) -> Iterator[dict[str, tuple[str, list[str]]]]:
    """Route key → (role, the URLs of rows inside the role's reach)."""
    sources = param_sources()
    routes = {r.key: r for r in page_routes()}
    out, missing = {}, []
    for key, role in get_pages().items():
        try:
            urls = [u for u, where in fill(routes[key], world, sources, role) if where == INSIDE]
        except AssertionError as e:
            missing.append(str(e).splitlines()[0])
            continue
        query = QUERIES.get(key)
        query = query(world) if callable(query) else query
        out[key] = (role, [f"{u}?{query}" if query else u for u in urls])
    assert not missing, "\n".join(missing)
    yield out


def test_every_page_reads_as_many_queries_with_a_second_batch_of_rows(
    world: World, pages: dict[str, tuple[str, list[str]]]
) -> None:
    clients = {role: _client(world.users.get(role)) for role in {r for r, _ in pages.values()}}
    expected = {k: 302 if k in REDIRECTS else 200 for k in pages}
    before: dict[str, tuple[str, int, list[str]]] = {}
    for key, (role, urls) in sorted(pages.items()):
        for url in urls:  # the first row whose page answers (a law has no city version)
            cache.clear()
            status, sql = _read(clients[role], url)
            before[key] = (url, status, sql)
            if status == expected[key]:
                break
    added = grow()
    failures = []
    counts = {}
    for key, (url, status, sql) in sorted(before.items()):
        role = pages[key][0]
        status2, sql2 = _count(clients[role], url)
        if len(sql2) > len(sql):  # a cache the new rows emptied is filled again: once more
            status2, sql2 = _count(clients[role], url)
        said = f"{key} ({role} GET {url})"
        counts[key] = max(len(sql), len(sql2))
        if status != expected[key] or status2 != expected[key]:
            failures.append(f"{said}: answered {status}, then {status2}")
        elif len(sql2) > len(sql):
            grown = Counter(map(shape, sql2)) - Counter(map(shape, sql))
            failures.append(
                f"{said}: {len(sql)} queries, {len(sql2)} with a second batch of rows; "
                f"the queries added: {[s[:240] for s in grown]}"
            )
        elif repeated := _repeated(sql2):
            failures.append(f"{said}: the same query runs once per row: {repeated}")
    over = [
        f"{k}: {counts[k]} queries, its ceiling is {CEILINGS[k]}"
        for k in sorted(counts)
        if k in CEILINGS and counts[k] > CEILINGS[k]
    ]
    unpinned = [f'    "{k}": {counts[k]},' for k in sorted(counts) if k not in CEILINGS]
    stale = sorted(set(CEILINGS) - set(counts))
    print(
        f"\npage queries: {len(counts)} pages, {sum(added.values())} rows added in "
        f"{sum(1 for v in added.values() if v)} tables (not grown: "
        f"{', '.join(sorted(k for k, v in added.items() if not v))})"
    )
    below = {k: f"{counts[k]}/{CEILINGS[k]}" for k in counts if counts[k] < CEILINGS.get(k, 0)}
    print(f"pages under their ceiling (measured/ceiling): {below}")
    assert not failures, f"{len(failures)} pages:\n" + "\n".join(failures)
    assert not over, "more queries than the page's ceiling:\n" + "\n".join(over)
    assert not unpinned, (
        "pages without a ceiling: add these lines to CEILINGS in "
        "tests/access/page_queries.py (the count measured now):\n" + "\n".join(unpinned)
    )
    assert not stale, f"ceilings of pages that are gone or no longer GET: {stale}"
