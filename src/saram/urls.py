from django.urls import include, path

from saram.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("saram.core.urls")),
    path("welfare/", include("saram.welfare.urls")),
    path("economy/", include("saram.economy.urls")),
    path("making/", include("saram.making.urls")),
    path("api/", api.urls),
]

handler403 = "saram.core.views.forbidden"
handler404 = "saram.core.views.not_found"
handler500 = "saram.core.views.server_error"
