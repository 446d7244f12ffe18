"""The JSON API under /api/, with OpenAPI docs at /api/docs; session or token auth."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase
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


class OwnSwagger(DocsBase):
    """Swagger UI served from our own static files (npm swagger-ui-dist), in the site's layout:
    the docs work without internet, unlike django-ninja's default from a CDN."""

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        return render(
            request, "core/api_docs.html", {"openapi_url": self.get_openapi_url(api, kwargs)}
        )


def _docs_view(view: Any) -> Any:
    """The schema and its viewer: for signed-in users, read only."""
    return require_GET(login_required(view))


api = NinjaAPI(
    title="Saram API",
    version="1",
    urls_namespace="api",
    auth=[SessionAuth(), TokenAuth()],
    docs=OwnSwagger(),
    docs_decorator=_docs_view,
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
