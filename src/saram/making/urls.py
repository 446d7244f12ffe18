from django.urls import path

from saram.making import views, views_incubator, views_incubator_records, views_staff

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
    path("sessions/new/", views_staff.session_new, name="session_new"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("enrolments/<int:pk>/cancel/", views.cancel_enrolment, name="cancel_enrolment"),
    path("enrolments/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("certificates/<int:pk>/pdf/", views.certificate_download, name="certificate_pdf"),
    path("certificates/verify/", views.verify, name="verify"),
    path("events/", views.event_list, name="events"),
    path("events/<int:pk>/register/", views.event_register, name="event_register"),
    path("registrations/<int:pk>/cancel/", views.cancel_registration, name="cancel_registration"),
    path("gallery/", views.gallery, name="gallery"),
    path("stats/", views.stats, name="stats"),
    path("stats/report.pdf", views.annual_report, name="annual_report"),
    # Staff keep the catalogue (views_staff): add, change, retire or cancel; imports.
    path("machines/new/", views_staff.machine_new, name="machine_new"),
    path("machines/import/", views_staff.machine_import, name="machine_import"),
    path("machines/<int:pk>/edit/", views_staff.machine_edit, name="machine_edit"),
    path("machines/<int:pk>/retire/", views_staff.machine_retire, name="machine_retire"),
    path("materials/new/", views_staff.material_new, name="material_new"),
    path("materials/import/", views_staff.material_import, name="material_import"),
    path("materials/<int:pk>/edit/", views_staff.material_edit, name="material_edit"),
    path("courses/new/", views_staff.course_new, name="course_new"),
    path("courses/<int:pk>/edit/", views_staff.course_edit, name="course_edit"),
    path("sessions/<int:pk>/edit/", views_staff.session_edit, name="session_edit"),
    path("sessions/<int:pk>/cancel/", views_staff.session_cancel, name="session_cancel"),
    path("events/new/", views_staff.event_new, name="event_new"),
    path("events/<int:pk>/edit/", views_staff.event_edit, name="event_edit"),
    path("events/<int:pk>/cancel/", views_staff.event_cancel, name="event_cancel"),
    path("gallery/new/", views_staff.gallery_new, name="gallery_new"),
    path("gallery/<int:pk>/edit/", views_staff.gallery_edit, name="gallery_edit"),
    path("gallery/<int:pk>/delete/", views_staff.gallery_delete, name="gallery_delete"),
    path("gallery/<int:pk>/photo/", views_staff.gallery_photo, name="gallery_photo"),
]

# The incubator, the cluster and its R&D projects (views_incubator).
urlpatterns += [
    path("incubator/", views_incubator.incubator, name="incubator"),
    path("incubator/new/", views_incubator.tenant_new, name="tenant_new"),
    path("incubator/<int:pk>/", views_incubator.tenant_detail, name="tenant"),
    path("incubator/<int:pk>/edit/", views_incubator.tenant_edit, name="tenant_edit"),
    path("incubator/<int:pk>/credit/", views_incubator.tenant_credit, name="tenant_credit"),
    path("incubator/<int:pk>/founders/", views_incubator.founder_add, name="founder_add"),
    path("incubator/<int:pk>/milestones/", views_incubator.milestone_add, name="milestone_add"),
    path("incubator/<int:pk>/mentoring/", views_incubator.mentoring_add, name="mentoring_add"),
    path(
        "milestones/<int:pk>/progress/",
        views_incubator.milestone_progress,
        name="milestone_progress",
    ),
    path(
        "milestones/<int:pk>/edit/", views_incubator_records.milestone_edit, name="milestone_edit"
    ),
    path(
        "milestones/<int:pk>/remove/",
        views_incubator_records.milestone_remove,
        name="milestone_remove",
    ),
    path("mentoring/<int:pk>/edit/", views_incubator_records.mentoring_edit, name="mentoring_edit"),
    path(
        "mentoring/<int:pk>/remove/",
        views_incubator_records.mentoring_remove,
        name="mentoring_remove",
    ),
    path("founders/<int:pk>/edit/", views_incubator_records.founder_edit, name="founder_edit"),
    path(
        "founders/<int:pk>/remove/", views_incubator_records.founder_remove, name="founder_remove"
    ),
    path("company/", views_incubator.company, name="company"),
    path("cluster/", views_incubator.cluster, name="cluster"),
    path("cluster/dongs.geojson", views_incubator.dong_shapes, name="dong_shapes"),
    path("cluster/new/", views_incubator.member_new, name="cluster_member_new"),
    path("cluster/import/", views_incubator.member_import, name="cluster_member_import"),
    path("cluster/<int:pk>/", views_incubator.member_detail, name="cluster_member"),
    path("cluster/<int:pk>/edit/", views_incubator.member_edit, name="cluster_member_edit"),
    path("rnd/", views_incubator.projects, name="projects"),
    path("rnd/new/", views_incubator.project_new, name="project_new"),
    path("rnd/import/", views_incubator.project_import, name="project_import"),
    path("rnd/<int:pk>/", views_incubator.project_detail, name="project"),
    path("rnd/<int:pk>/edit/", views_incubator.project_edit, name="project_edit"),
]

from saram.making.urls_printing import urlpatterns as _printing  # noqa: E402  (the print service)

urlpatterns += _printing
