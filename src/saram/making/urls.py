from django.urls import path

from saram.making import views

app_name = "making"
urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.mine, name="mine"),
    path("machines/", views.machine_list, name="machines"),
    path("machines/<int:pk>/", views.machine_detail, name="machine"),
    path("machines/<int:pk>/events.json", views.machine_events, name="machine_events"),
    path("machines/<int:pk>/book/", views.book, name="book"),
    path("machines/<int:pk>/maintenance/", views.maintenance, name="maintenance"),
    path("machines/<int:pk>/log/", views.machine_log, name="machine_log"),
    path("reservations/<int:pk>/cancel/", views.cancel_reservation, name="cancel_reservation"),
    path("reservations/<int:pk>/mark/", views.mark_reservation, name="mark_reservation"),
    path("materials/", views.materials, name="materials"),
    path("materials/<int:pk>/stock/", views.material_stock, name="material_stock"),
    path("courses/", views.catalogue, name="catalogue"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("enrolments/<int:pk>/cancel/", views.cancel_enrolment, name="cancel_enrolment"),
    path("enrolments/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("certificates/<int:pk>/pdf/", views.certificate_download, name="certificate_pdf"),
    path("certificates/verify/", views.verify, name="verify"),
    path("events/", views.event_list, name="events"),
    path("events/<int:pk>/register/", views.event_register, name="event_register"),
    path("gallery/", views.gallery, name="gallery"),
    path("cluster/", views.cluster, name="cluster"),
    path("incubator/", views.incubator, name="incubator"),
    path("incubator/<int:pk>/", views.tenant_detail, name="tenant"),
    path("incubator/<int:pk>/credit/", views.tenant_credit, name="tenant_credit"),
    path("stats/", views.stats, name="stats"),
    path("stats/report.pdf", views.annual_report, name="annual_report"),
]

from saram.making.urls_printing import urlpatterns as _printing  # noqa: E402  (the print service)

urlpatterns += _printing
