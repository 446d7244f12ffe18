"""The JSON API under /api/, with OpenAPI docs at /api/docs; session or token auth."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render as render_page
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase
from ninja.security import APIKeyHeader, SessionAuth

from saram.core.api import router as core_router
from saram.core.errors import SaramError, register, render
from saram.core.tokens import user_for_token

register(
    {
        "api_invalid_input": gettext_lazy("입력값이 올바르지 않습니다: %(fields)s"),
        "api_unauthorized": gettext_lazy("로그인하거나 유효한 API 토큰을 보내 주세요."),
        "api_forbidden": gettext_lazy("이 일을 할 권한이 없습니다."),
        "api_not_found": gettext_lazy("찾을 수 없습니다."),
        "api_out_of_range": gettext_lazy("값이 허용 범위를 벗어났습니다."),
        "api_csrf_failed": gettext_lazy(
            "CSRF 토큰이 맞지 않습니다: 페이지를 새로 고치거나 API 토큰을 쓰세요."
        ),
    }
)

# Every operation can answer these, with the body `Error` below; documented once for all.
ERROR_STATUSES = {
    400: "입력이 잘못되었거나 요청을 처리할 수 없습니다 (code, message, errors)",
    401: "로그인하지 않았거나 토큰이 유효하지 않습니다",
    403: "권한이 없습니다",
    404: "없거나 볼 수 없는 대상입니다",
}
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "description": "machine-readable error code"},
        "message": {"type": "string", "description": "the message in the reader's language"},
        "errors": {
            "type": "array",
            "description": "the fields or rows at fault",
            "items": {"type": "object"},
        },
    },
}


class SaramAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_STATUSES.items():
                    responses.setdefault(str(status), {"description": description, **ref})
                responses.pop("422", None)  # invalid input answers 400, as every other error
        return schema


def _error(request: HttpRequest, status: int, code: str, **params: Any) -> HttpResponse:
    errors = params.pop("errors", [])
    return api.create_response(
        request,
        {"code": code, "message": render(f"api_{code}", params), "errors": errors},
        status=status,
    )


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
        return render_page(
            request, "core/api_docs.html", {"openapi_url": self.get_openapi_url(api, kwargs)}
        )


def _docs_view(view: Any) -> Any:
    """The schema and its viewer: for signed-in users, read only."""
    return require_GET(login_required(view))


api = SaramAPI(
    title="Saram API",
    version="1",
    urls_namespace="api",
    # Token first: a request that carries a token is not a browser's, so it needs no CSRF token;
    # a session (cookie) request still passes Django's CSRF check.
    auth=[TokenAuth(), SessionAuth()],
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


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(str(part) for part in e.get("loc", ())[1:]) or "body",
            "message": str(e.get("msg", "")),
        }
        for e in exc.errors
    ]
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
    return _error(request, 400, "invalid_input", fields=fields, errors=errors)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Ninja's own refusals (e.g. a body it cannot parse) in the same shape as ours.
    code = {401: "unauthorized", 403: "forbidden", 404: "not_found"}.get(
        exc.status_code, "invalid_input"
    )
    if exc.status_code == 403 and "CSRF" in str(exc):
        code = "csrf_failed"  # a session request without the CSRF token
    return _error(request, exc.status_code, code, fields="body", errors=[])


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthorized")


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "forbidden")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found")


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A number too large for the database (an id, a year, an offset): the user's input, not
    # a server error. Parameters declare their ranges where they can; this is the backstop.
    return _error(request, 400, "out_of_range")


def _add_routers() -> None:
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
