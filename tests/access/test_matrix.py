"""The authorization matrix: every page and API route × every method it accepts × every role
(and anonymous) × ids inside and outside the role's area, in one world with rows of every app.

For each request: no server error; a role the classification does not allow is refused (403 or
404, anonymous sent to the login page or 401) and its write changed nothing; an allowed role
that is bound to dong A gets 404 for a row outside it (and changes nothing); no page or answer
shows a sentinel the role may not see. A route or method the resolver or the API schema knows
but `tests/access/routes_<app>.py` does not classify fails the test, and so does a classified
route that no allowed role could reach. The counts are printed for the closing note.

`python -m tests.access.test_matrix` is not a thing: to draft the classification of new routes,
run `SARAM_MATRIX_DRAFT=path pytest tests/access -k classified` and read the draft it writes.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from saram.core.models import Role, RoleAssignment

from .matrix import (
    ANONYMOUS,
    INSIDE,
    METHODS,
    OTHERS_OWN,
    OUTSIDE_AREA,
    ROLES,
    Route,
    World,
    api_routes,
    body_text,
    classification,
    classification_file,
    classification_modules,
    fill,
    page_routes,
    param_examples,
    param_sources,
    rolled_back,
    walked_elsewhere,
    watched_writes,
)

# The page-query walk runs here, on this module's world (see page_queries.py).
from .page_queries import (  # noqa: F401
    pages,
    test_every_page_reads_as_many_queries_with_a_second_batch_of_rows,
)

pytestmark = pytest.mark.django_db

REFUSED = frozenset({401, 403, 404})
# The API validates a request before its handler runs (422), and a service refuses with a domain
# error (400): both are refusals there, provided they changed nothing.
API_REFUSED = REFUSED | {400, 422}


def _client(user: Any | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _send(client: Client, method: str, url: str, example: dict[str, Any] | None = None) -> Any:
    """One request; a write carries the route's example body if it has one, else an empty one
    (a refusal must come before the form is read)."""
    example = example or {}
    if example.get("query"):
        url = f"{url}?{example['query']}"
    call = getattr(client, method.lower())
    if method == "GET":
        return call(url)
    if "multipart" in example:
        return call(url, data=example["multipart"])
    if url.startswith("/api/"):
        return call(url, data=json.dumps(example.get("json", {})), content_type="application/json")
    return call(url, data=example.get("data", {}))


def _routes() -> list[Route]:
    return page_routes() + api_routes()


def _probe_user(world: World) -> Any:
    """A user holding every role over the whole city: which methods does a route accept?"""
    user, created = get_user_model().objects.get_or_create(username="matrix-probe")
    if created:
        for role in Role:
            RoleAssignment.objects.create(user=user, role=role, city=world.dong_a.city)
    return user


def accepted_methods(world: World) -> dict[str, set[str]]:
    """Route key → methods that do not answer 405 (API: the methods the schema declares)."""
    client = _client(_probe_user(world))
    sources = param_sources()
    accepted: dict[str, set[str]] = {}
    elsewhere = walked_elsewhere()
    declared = classification()
    for route in _routes():
        if route.is_api:
            accepted[route.key] = set(route.declared)
            continue
        if route.key in elsewhere:
            # Its app's own access tests walk its methods; here it must be classified.
            accepted[route.key] = set(declared.get(route.key, {"GET": frozenset()}))
            continue
        url = fill(route, world, sources, Role.CITY_ADMIN.value)[0][0]
        methods = set()
        for method in METHODS:
            with rolled_back():
                if _send(client, method, url).status_code != 405:
                    methods.add(method)
        accepted[route.key] = methods
    return accepted


def test_every_route_and_method_is_classified(world: World) -> None:
    accepted = accepted_methods(world)
    classified = classification()
    draft = os.environ.get("SARAM_MATRIX_DRAFT")
    if draft:
        Path(draft).write_text(
            json.dumps({k: sorted(v) for k, v in sorted(accepted.items())}, indent=1),
            encoding="utf-8",
        )
    missing = sorted(
        (key, method)
        for key, methods in accepted.items()
        for method in methods
        if method not in classified.get(key, {})
    )
    stale = sorted(
        f"{key} {method}"
        for key, methods in classified.items()
        for method in methods
        if method not in accepted.get(key, set())
    )
    print(
        f"\nmatrix routes: {len(accepted)} routes, "
        f"{sum(len(m) for m in accepted.values())} route×method pairs"
    )
    assert not missing, unclassified_message(missing, classified)
    assert not stale, "classified but not served (gone, or answering 405):\n" + "\n".join(stale)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_only_what_it_may(world: World, role: str) -> None:
    user = None if role == ANONYMOUS else world.users[role]
    client = _client(user)
    classified = classification()
    elsewhere = walked_elsewhere()
    sources = param_sources()
    examples = param_examples()
    forbidden = set(world.sentinels.values()) - world.visible[role]
    failures: list[str] = []
    counts: Counter[str] = Counter()
    seen: set[str] = set()
    routes = {r.key: r for r in _routes()}
    for key, methods in sorted(classified.items()):
        route = routes.get(key)
        if route is None or key in elsewhere:
            continue  # reported by the classification test, or walked by its app's own matrix
        urls = fill(route, world, sources, role)
        for method, allowed_roles in sorted(methods.items()):
            allowed = role in allowed_roles
            example = examples.get(f"{key} {method}")
            if callable(example):
                example = example(world)
            reached = False
            for url, where in urls:
                # Outside: a row of another dong for a role bound to dong A, or another user's.
                outside = where == OTHERS_OWN or (
                    where == OUTSIDE_AREA and role in world.dong_scoped
                )
                with rolled_back(), watched_writes() as writes:
                    response = _send(client, method, url, example)
                status = response.status_code
                counts["requests"] += 1
                counts["inside" if where == INSIDE else "outside"] += 1
                said = f"{role} {method} {url} → {status}"
                if status >= 500:
                    failures.append(f"{said}: server error")
                    continue
                if allowed and outside:
                    if status != 404:
                        failures.append(f"{said}: a row outside the role's reach must be 404")
                elif allowed:
                    if not _refused(role, route, response):
                        reached = True
                elif not _refused(role, route, response):
                    failures.append(f"{said}: not allowed for {role}, yet not refused")
                if (not allowed or outside) and method != "GET":
                    counts["refused_writes"] += 1
                    if writes:
                        failures.append(f"{said}: a refused write changed rows: {writes[:3]}")
                if status == 200:
                    body = body_text(response)
                    leaked = sorted(s for s in forbidden if s in body)
                    if leaked:
                        counts["leaks"] += 1
                        failures.append(f"{said}: shows {leaked}")
                    seen |= {s for s in world.visible[role] if s in body}
            counts["pairs"] += 1
            if allowed and not reached:
                failures.append(f"{role} {method} {key}: allowed, yet refused at every row inside")
    print(
        f"\nmatrix {role}: {counts['pairs']} route×method pairs, {counts['requests']} requests "
        f"({counts['inside']} inside, {counts['outside']} outside the role's area), "
        f"{counts['refused_writes']} refused writes with 0 rows changed, leaks={counts['leaks']}"
    )
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:80])
    # Not vacuous: the role does see what it may (the officer its residents, the member the
    # person they visit).
    assert seen == world.visible[role], f"{role} saw {seen}, expected {world.visible[role]}"


def unclassified_message(missing: list[tuple[str, str]], classified: dict[str, Any]) -> str:
    """What to add, and where, for each route or method the resolver or the API schema serves
    but no `tests/access/routes_<app>.py` classifies (printed when the test fails)."""
    by_key: dict[str, list[str]] = {}
    for key, method in missing:
        by_key.setdefault(key, []).append(method)
    lines = [
        f"{len(missing)} route×method pairs are served but not classified. Add each line below "
        "to ROUTES in the file it names, replacing ... by the roles that may use the route "
        "with that method (an empty set() when no role may):",
        "",
    ]
    for key, methods in sorted(by_key.items()):
        where = classification_file(key)
        if key in classified:
            for method in methods:
                lines.append(f'  {where}: in "{key}" add  "{method}": {{...}},')
        else:
            pairs = ", ".join(f'"{m}": {{...}}' for m in sorted(methods, key=METHODS.index))
            lines.append(f'  {where}:  "{key}": {{{pairs}}},')
    walked = {
        f"tests/access/routes_{app}.py": module.WALKED_BY
        for app, module in classification_modules().items()
        if getattr(module, "WALKED_BY", "")
    }
    for where in sorted({classification_file(key) for key in by_key} & set(walked)):
        lines.append(f"  ({where}'s routes are walked by {walked[where]}: add the route there too)")
    lines += [
        "",
        "Roles: " + ", ".join(f'"{r}"' for r in ROLES) + ' ("anonymous": a public route).',
        "A route with a parameter also needs its rows: PARAMS (keyed by the path segment "
        "before the parameter, or its name) and, if the world has none, rows made in "
        "populate(world) of the same file; see tests/access/matrix.py.",
        "A method the route should not accept answers 405 (require_POST, require_GET...).",
    ]
    return "\n".join(lines)


def _refused(role: str, route: Route, response: Any) -> bool:
    status = response.status_code
    if status in (API_REFUSED if route.is_api else REFUSED) or status == 405:
        return True
    if role == ANONYMOUS and not route.is_api and status == 302:
        return str(response.get("Location", "")).startswith("/accounts/login/")
    return False
