"""The authorization matrix's machinery: routes, their classification, the world, one request.

Every page route comes from the URL resolver (`namespace:name`) and every API operation from
the OpenAPI schema (`/api/...` path with its methods), so a route added later is walked the day
it is added. Which methods a route accepts is probed (anything but 405 is accepted), so a view
that quietly answers PUT as if it were GET is found too.

Classification lives per app in `tests/access/routes_<app>.py`:

    ROUTES = {"<namespace:url_name>" or "/api/path/{param}": {"GET": {"role", ...}, ...}}

with role values from `saram.core.models.Role` plus "anonymous". Optional extras in the same
file: `PARAMS = {"<param name or the path segment before it>": <id source>}` saying which rows
fill a route's parameters (a model label "app.Model", "app.Model:field", or a callable taking
the world and the role and returning `(inside, outside)` value lists, or `(inside, outside,
True)` when the outside values belong to someone else and are 404 for every role), and
`populate(world)` adding rows of that app to the world, and `EXAMPLES` (valid requests for
routes that need parameters or a body, see `param_examples`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.urls import URLPattern, URLResolver, get_resolver

from saram.core.models import Dong, Role

HERE = Path(__file__).parent
ANONYMOUS = "anonymous"
ROLES = (*(r.value for r in Role), ANONYMOUS)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Routes that change the session itself rather than reach data; tested in tests/core.
SESSION_ROUTES = frozenset({"login", "logout", "set_language", "healthz"})
# Writes a refusal may make: the session row and the audit of the refusal itself.
UNWATCHED_TABLES = frozenset({"django_session", "core_auditentry", "core_audithead"})
_CONVERTER = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>|\{(?P<api>[^}]+)\}")


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name" for pages, the API path ("/api/…/{id}") for operations
    path: str  # the resolver's route ("welfare/cases/<int:pk>/") or the API path
    is_api: bool
    declared: tuple[str, ...] = ()  # API: the methods the schema declares

    @property
    def params(self) -> list[tuple[str, str, str]]:
        """(placeholder, name, the path segment before it) for each parameter."""
        out = []
        for m in _CONVERTER.finditer(self.path):
            name = m.group("name") or m.group("api")
            before = self.path[: m.start()].rstrip("/").rsplit("/", 1)[-1]
            out.append((m.group(0), name, before))
        return out


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + str(p.pattern), f"{ns}:{p.name}" if ns else p.name


def page_routes() -> list[Route]:
    """Every named page route (and the API's own docs pages), from the resolver."""
    routes = {}
    for path, key in _walk(get_resolver().url_patterns):
        if path.startswith("^") or key in SESSION_ROUTES:
            continue
        if path.startswith("api/") and key not in ("api:openapi-json", "api:openapi-view"):
            continue  # operations come from the schema, with their methods
        routes[key] = Route(key=key, path=path, is_api=False)
    return sorted(routes.values(), key=lambda r: r.key)


def api_routes() -> list[Route]:
    """Every API operation path with the methods the OpenAPI schema declares for it."""
    from saram.api import api

    schema = api.get_openapi_schema(path_prefix="/api/")
    return sorted(
        (
            Route(key=path, path=path, is_api=True, declared=tuple(m.upper() for m in ops))
            for path, ops in schema["paths"].items()
        ),
        key=lambda r: r.key,
    )


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"access_{path.stem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def classification_modules() -> dict[str, ModuleType]:
    return {p.stem.removeprefix("routes_"): _load(p) for p in sorted(HERE.glob("routes_*.py"))}


def classification() -> dict[str, dict[str, frozenset[str]]]:
    """Every classified route → method → roles allowed, merged over the apps' files."""
    merged: dict[str, dict[str, frozenset[str]]] = {}
    for app, module in classification_modules().items():
        for key, methods in module.ROUTES.items():
            assert key not in merged, f"{key} is classified twice (routes_{app}.py)"
            for method, roles in methods.items():
                unknown = set(roles) - set(ROLES)
                assert not unknown, f"routes_{app}.py {key} {method}: unknown roles {unknown}"
            merged[key] = {m.upper(): frozenset(r) for m, r in methods.items()}
    return merged


def classification_file(key: str) -> str:
    """The file that classifies a route: its namespace's (`welfare:cases`) or API prefix's
    (`/api/welfare/...`) routes_<app>.py, core's for the rest."""
    if key.startswith("/api/"):
        app = key.removeprefix("/api/").split("/", 1)[0]
    else:
        app = key.split(":", 1)[0] if ":" in key else "core"
    name = f"routes_{app}.py" if (HERE / f"routes_{app}.py").exists() else "routes_core.py"
    return f"tests/access/{name}"


def walked_elsewhere() -> frozenset[str]:
    """Routes whose app walks them with its own matrix (`WALKED_BY` in its routes file: every
    route × method × role there, refused writes included); they must still be classified here."""
    keys: set[str] = set()
    for module in classification_modules().values():
        if getattr(module, "WALKED_BY", ""):
            keys.update(module.ROUTES)
    return frozenset(keys)


def param_examples() -> dict[str, Any]:
    """ "<route key> <METHOD>" → {"query": "a=1", "json": {...}, "data": {...}} (or a callable
    taking the world and returning one): a valid request, so a refusal is proven to come from
    the role and not from a missing field."""
    examples: dict[str, Any] = {}
    for module in classification_modules().values():
        examples.update(getattr(module, "EXAMPLES", {}))
    return examples


def param_sources() -> dict[str, Any]:
    """PARAMS of every app merged; a key two apps define differently would fill one app's
    routes with the other's rows, so it fails here (use "<route key> <name>" for one route)."""
    sources: dict[str, Any] = {}
    owner: dict[str, str] = {}
    for app, module in classification_modules().items():
        for key, source in getattr(module, "PARAMS", {}).items():
            assert key not in sources or sources[key] == source, (
                f"PARAMS key '{key}' is defined by routes_{owner[key]}.py and routes_{app}.py: "
                f'key one of them by route instead, as "<route key> <{key}>"'
            )
            sources[key], owner[key] = source, app
    return sources


# --- The world ------------------------------------------------------------------------------


@dataclass
class World:
    """The demo city with rows of every app, one user per role, and the sentinels placed."""

    users: dict[str, Any]  # role value → user (dong-scoped roles hold dong A)
    dong_a: Dong
    sentinels: dict[str, str]  # name → value
    visible: dict[str, frozenset[str]]  # role → sentinel values it may see
    dong_scoped: frozenset[str]  # roles whose scope is dong A only
    # label → role → pk of the row that role owns (the member's visit, the officer's case)
    assigned: dict[str, dict[str, Any]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def dong_path(model: type[models.Model]) -> str | None:
    """The shortest lookup from `model` to its dong through forward relations (depth ≤ 3)."""
    if model is Dong:
        return "pk"
    queue: list[tuple[type[models.Model], str, int]] = [(model, "", 0)]
    while queue:
        current, prefix, depth = queue.pop(0)
        for f in current._meta.get_fields():
            if not (f.is_relation and f.many_to_one and f.concrete and f.related_model):
                continue
            lookup = f"{prefix}{f.name}"
            if f.related_model is Dong:
                return lookup
            if depth < 2 and f.related_model._meta.app_label != "auth":
                queue.append((f.related_model, f"{lookup}__", depth + 1))
    return None


# Where a URL's row lies for the role: inside its reach, outside dong A (404 for the roles bound
# to dong A), or someone else's own (404 for every role).
INSIDE, OUTSIDE_AREA, OTHERS_OWN = "inside", "outside_area", "others_own"


def ids_for(world: World, source: Any, role: str) -> tuple[list[str], list[str], str]:
    """(inside dong A or not area-bound, outside) values for one parameter source: the row the
    role owns if there is one, else the first in dong A; the first outside it."""
    if callable(source):
        got = source(world, role)
        kind = OTHERS_OWN if len(got) > 2 and got[2] else OUTSIDE_AREA
        return [str(v) for v in got[0]], [str(v) for v in got[1]], kind
    label, _, attr = source.partition(":")
    model = apps.get_model(label)
    attr = attr or "pk"
    owned = world.assigned.get(label, {}).get(role)
    path = dong_path(model)
    rows = model._default_manager.order_by("pk")
    if path is None:
        first = rows.values_list(attr, flat=True).first()
        return ([str(first)] if first is not None else []), [], OUTSIDE_AREA
    area = world.dong_a.pk if path == "pk" else world.dong_a
    inside_rows = rows.filter(**{path: area})
    if owned is not None:
        inside = list(rows.filter(pk=owned).values_list(attr, flat=True))
    else:
        inside = list(inside_rows.values_list(attr, flat=True)[:1])
    outside = (
        rows.exclude(**{path: area})
        .exclude(**{f"{path}__isnull": True})
        .values_list(attr, flat=True)
        .first()
    )
    return (
        [str(v) for v in inside],
        ([str(outside)] if outside is not None else []),
        OUTSIDE_AREA,
    )


def citywide(source: str, count: int = 2) -> Callable[[World, str], tuple[list[Any], list[Any]]]:
    """A parameter whose rows every signed-in role may see (areas, organisations): no outside."""
    label, _, attr = source.partition(":")

    def rows(world: World, role: str) -> tuple[list[Any], list[Any]]:
        model = apps.get_model(label)
        values = model._default_manager.order_by("pk").values_list(attr or "pk", flat=True)
        return list(values[:count]), []

    return rows


def fill(route: Route, world: World, sources: dict[str, Any], role: str) -> list[tuple[str, str]]:
    """Concrete URLs for a route with where their rows lie (INSIDE, OUTSIDE_AREA, OTHERS_OWN).
    No parameter: one URL, inside. A parameter is looked up by "<route key> <name>" first (one
    route's own rows), then by the path segment before it ("outreach" in `outreach/<code>/`),
    then by its name."""
    urls: list[tuple[str, str]] = [("/" + route.path.lstrip("/"), INSIDE)]
    for placeholder, name, before in route.params:
        source = sources.get(f"{route.key} <{name}>") or sources.get(before) or sources.get(name)
        where = classification_file(route.key)
        assert source is not None, (
            f"{route.key}: say which rows fill <{name}> in {where}: add to its PARAMS "
            f'"{before}": "<app>.<Model>" (or "<app>.<Model>:<field>", or a function of the '
            "world and the role returning (inside, outside) values; see tests/access/matrix.py)"
        )
        inside, outside, kind = ids_for(world, source, role)
        assert inside or outside, (
            f"{route.key}: the world has no row for <{name}> ({source}): make one inside dong A "
            f"and one outside it in populate(world) of {where}"
        )
        urls = [
            (u.replace(placeholder, v, 1), where if where != INSIDE else v_where)
            for u, where in urls
            for v, v_where in [*((v, INSIDE) for v in inside), *((v, kind) for v in outside)]
        ]
    return urls


# --- Watching writes -------------------------------------------------------------------------

_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.I)


@contextmanager
def watched_writes() -> Iterator[list[str]]:
    """Collect every statement that changed a row, outside the session and audit tables."""
    changed: list[str] = []

    def wrapper(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        result = execute(sql, params, many, context)
        match = _WRITE.match(sql)
        if match and match.group(2).lower() not in UNWATCHED_TABLES:
            rowcount = getattr(context.get("cursor"), "rowcount", 1)
            if rowcount != 0:
                changed.append(sql[:120])
        return result

    with connection.execute_wrapper(wrapper):
        yield changed


def table_fingerprint() -> str:
    """A hash of every row of every Saram table (the slow, certain check, used once per test)."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        if model._meta.app_label not in {"core", "welfare", "economy", "making", "auth"}:
            continue
        if model._meta.db_table in UNWATCHED_TABLES:
            continue
        for row in model._default_manager.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run a request inside a savepoint that is always undone, so no request changes the next."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def body_text(response: Any) -> str:
    """The body as a reader sees it: JSON escapes Korean (\\uXXXX), so it is decoded first."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content).decode("utf-8", "replace")
    else:
        body = response.content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            return json.dumps(json.loads(body), ensure_ascii=False)
        except ValueError:
            return body
    return body
