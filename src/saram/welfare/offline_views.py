"""Visits that work offline: the installable app's pieces (service worker, manifest, shell)
and the JSON the phone fetches and sends back. The member's pages stay as they are; the app
shell renders from what the phone cached when they are unreachable."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from saram.core.access import Can, not_found, scope_of
from saram.core.errors import SaramError
from saram.core.middleware import public
from saram.welfare import forms
from saram.welfare.models import NeedCategory, VisitOutcome
from saram.welfare.services import sync

MAX_BODY = 2 * 1024 * 1024


def _visitor(request: HttpRequest) -> None:
    scope = scope_of(request.user)
    if not (scope.can(Can.VISIT_ASSIGNED) or scope.dong_ids(Can.MANAGE_PEOPLE)):
        raise not_found()


@require_GET
def offline_bundle(request: HttpRequest) -> JsonResponse:
    """The member's open visits with only what the visit page shows, and the labels."""
    _visitor(request)
    bundle = sync.offline_bundle(by=request.user, now=timezone.now())
    bundle["outcomes"] = [{"value": v, "label": str(label)} for v, label in VisitOutcome.choices]
    bundle["needs"] = [{"value": v, "label": str(label)} for v, label in NeedCategory.choices]
    # 긴급 is raised offline too: the reasons a member may choose, as the visit page offers them.
    bundle["alert_reasons"] = [
        {"value": v, "label": str(label)} for v, label in forms.AlertForm().fields["reason"].choices
    ]
    response = JsonResponse(bundle)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def offline_sync(request: HttpRequest) -> JsonResponse:
    """Queued visits from the phone: `{"items": [...]}`; the answer says, per item, stored,
    duplicate, conflict or error."""
    _visitor(request)
    if len(request.body) > MAX_BODY:
        return JsonResponse(
            {"code": "too_large", "message": _("보낸 내용이 너무 큽니다.")}, status=413
        )
    try:
        body = json.loads(request.body or b"{}")
        items = body["items"]
        if not isinstance(items, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return JsonResponse(
            {"code": "sync_bad_item", "message": SaramError("sync_bad_item").message}, status=400
        )
    try:
        results = sync.sync(by=request.user, items=items, now=timezone.now())
    except SaramError as exc:
        return JsonResponse({"code": exc.code, "message": exc.message}, status=400)
    return JsonResponse({"results": results})


@public
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served under /welfare/my/ so that its scope is the member's pages.
    It holds no personal data: only the app shell and the libraries are cached."""
    body = render(
        request,
        "welfare/offline/sw.js",
        {
            "workbox": static("vendor/workbox/workbox-sw.js"),
            "workbox_dir": static("vendor/workbox/"),
            "shell": reverse("welfare:offline_app"),
            "assets": [
                static("welfare/offline.js"),
                static("vendor/idb/umd.js"),
                static("welfare/welfare.css"),
                static("core/saram.css"),
            ],
        },
        content_type="application/javascript",
    )
    body["Service-Worker-Allowed"] = reverse("welfare:my")
    body["Cache-Control"] = "no-cache"
    return body


@public
@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "name": _("사람 · 맡은 방문"),
            "short_name": _("맡은 방문"),
            "start_url": reverse("welfare:my"),
            "scope": reverse("welfare:my"),
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#1f5f8b",
            "lang": "ko",
            "icons": [
                {"src": static("welfare/icon-192.png"), "sizes": "192x192", "type": "image/png"}
            ],
        },
        content_type="application/manifest+json",
    )


@public
@require_GET
def offline_app(request: HttpRequest) -> HttpResponse:
    """The app shell: no personal data in it; the script fills it from the phone's store."""
    return render(request, "welfare/offline/app.html", {})
