from django.contrib.auth import views as auth_views
from django.urls import path

from saram.core import duplicate_views, token_views, views


class LogoutView(auth_views.LogoutView):
    """Logging out also tells the browser to drop what it stored for this site (the offline
    visit app's cached people and queue, its service worker)."""

    def post(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        views.SignIn.as_view(template_name="core/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("dongs.geojson", views.dongs_geojson, name="dongs_geojson"),
    path("dongs/<str:code>/", views.dong_detail, name="dong_detail"),
    path("people/", views.people_list, name="people_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/export/", views.people_export, name="people_export"),
    path("people/import/", views.people_import, name="people_import"),
    path("people/duplicates/", duplicate_views.duplicate_list, name="duplicate_list"),
    path("people/duplicates/<int:pk>/", duplicate_views.duplicate_detail, name="duplicate_detail"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/import/", views.organisations_import, name="organisations_import"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("audit/", views.audit_log, name="audit_log"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job_detail"),
    path("jobs/<uuid:job_id>/errors.csv", views.job_errors, name="job_errors"),
    path("imports/<slug:kind>/template.xlsx", views.import_template, name="import_template"),
    path("account/tokens/", token_views.token_list, name="token_list"),
    path("account/tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
]
