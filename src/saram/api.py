"""The JSON API under /api/, with OpenAPI docs at /api/docs; session or token auth."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import APIKeyHeader, SessionAuth

from saram.core.errors import SaramError
from saram.core.tokens import user_for_token


class TokenAuth(APIKeyHeader):
    """`Authorization: Token <key>` from a personal API token."""

    param_name = "Authorization"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key or not key.startswith("Token "):
            return None
        user = user_for_token(key.removeprefix("Token ").strip())
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Saram API",
    version="1",
    urls_namespace="api",
    # Token first: a request that carries a token is not a browser's, so it needs no CSRF token;
    # a session (cookie) request still passes Django's CSRF check.
    auth=[TokenAuth(), SessionAuth()],
    docs_decorator=login_required,
)


@api.exception_handler(SaramError)
def saram_error(request: HttpRequest, exc: SaramError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": exc.code, "message": exc.message, "errors": [e.as_dict() for e in exc.row_errors]},
        status=400,
    )


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"code": "forbidden"}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"code": "not_found"}, status=404)


def _add_routers() -> None:
    from saram.core.api import router as core_router

    api.add_router("/", core_router)
    for app in ("welfare", "economy", "making"):
        try:
            module = __import__(f"saram.{app}.api", fromlist=["router"])
        except ModuleNotFoundError as exc:
            if exc.name != f"saram.{app}.api":
                raise
            continue
        api.add_router(f"/{app}/", module.router)


_add_routers()
