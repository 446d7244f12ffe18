"""Who may use each route of the making app, by method (read by the authorization matrix).

Routes over one person's own records (their booking, enrolment or certificate) answer 404 to
anyone else holding the same role: the roles listed may use the route on what is theirs.
"""

from typing import Any

from tests.access.matrix import citywide

# Walked route × method × role with its own people and rows by tests/making/test_access_making.py;
# the global matrix checks only that every route and method is classified here.
WALKED_BY = "tests/making/test_access_making.py"


STAFF = "making_staff"
EVERYONE = {
    "anonymous",
    "city_admin",
    "welfare_officer",
    "welfare_supervisor",
    "committee_member",
    "procurement_officer",
    "social_economy_officer",
    "making_staff",
    "instructor",
    "incubator_manager",
    "nutritionist",
    "citizen",
}
BOOKERS = {"citizen", STAFF, "instructor", "incubator_manager"}

ROUTES = {
    "making:home": {"GET": {STAFF, "instructor", "incubator_manager", "citizen"}},
    "making:mine": {"GET": {"citizen", STAFF}},
    "making:machines": {"GET": BOOKERS},
    "making:machine": {"GET": BOOKERS},
    "making:machine_events": {"GET": BOOKERS},
    "making:book": {"POST": BOOKERS},
    "making:maintenance": {"POST": {STAFF}},
    "making:machine_log": {"POST": {STAFF}},
    "making:cancel_reservation": {"POST": BOOKERS},
    "making:mark_reservation": {"POST": {STAFF}},
    "making:materials": {"GET": {STAFF}},
    "making:material_stock": {"POST": {STAFF}},
    "making:catalogue": {"GET": EVERYONE},
    "making:session_new": {"GET": {STAFF}, "POST": {STAFF}},
    "making:session": {"GET": {STAFF, "instructor"}},
    "making:enrol": {"POST": {"citizen", STAFF}},
    "making:cancel_enrolment": {"POST": {"citizen", STAFF}},
    "making:attendance": {"POST": {STAFF, "instructor"}},
    "making:certificate_pdf": {"GET": {"citizen", STAFF}},
    "making:verify": {"GET": EVERYONE},
    "making:events": {"GET": EVERYONE},
    "making:event_register": {"POST": {"citizen", STAFF}},
    "making:cancel_registration": {"POST": {"citizen", STAFF}},
    "making:gallery": {"GET": EVERYONE},
    "making:stats": {"GET": {STAFF}},
    "making:annual_report": {"GET": {STAFF}},
    # Staff keep the catalogue: forms (GET shows, POST writes) and confirmation pages.
    "making:machine_new": {"GET": {STAFF}, "POST": {STAFF}},
    "making:machine_import": {"GET": {STAFF}, "POST": {STAFF}},
    "making:machine_edit": {"GET": {STAFF}, "POST": {STAFF}},
    "making:material_new": {"GET": {STAFF}, "POST": {STAFF}},
    "making:material_import": {"GET": {STAFF}, "POST": {STAFF}},
    "making:material_edit": {"GET": {STAFF}, "POST": {STAFF}},
    "making:course_new": {"GET": {STAFF}, "POST": {STAFF}},
    "making:course_edit": {"GET": {STAFF}, "POST": {STAFF}},
    # An instructor changes the time, room and capacity of the sessions they teach.
    "making:session_edit": {"GET": {STAFF, "instructor"}, "POST": {STAFF, "instructor"}},
    "making:event_new": {"GET": {STAFF}, "POST": {STAFF}},
    "making:event_edit": {"GET": {STAFF}, "POST": {STAFF}},
    "making:gallery_new": {"GET": {STAFF}, "POST": {STAFF}},
    "making:gallery_edit": {"GET": {STAFF}, "POST": {STAFF}},
    "making:gallery_photo": {"GET": EVERYONE},
    # Last: these end their object (the matrix walks routes in this order).
    "making:machine_retire": {"GET": {STAFF}, "POST": {STAFF}},
    "making:session_cancel": {"GET": {STAFF}, "POST": {STAFF}},
    "making:event_cancel": {"GET": {STAFF}, "POST": {STAFF}},
    "making:gallery_delete": {"GET": {STAFF}, "POST": {STAFF}},
}

# The incubator, the cluster and its R&D projects (views_incubator), walked role by role by
# tests/making/test_access_incubator.py (the routes above by test_access_making.py).
INCUBATOR = {"incubator_manager", STAFF}
INCUBATOR_ROUTES = {
    "making:incubator": {"GET": INCUBATOR},
    "making:tenant_new": {"GET": INCUBATOR, "POST": INCUBATOR},
    "making:tenant": {"GET": INCUBATOR},
    "making:tenant_edit": {"GET": INCUBATOR, "POST": INCUBATOR},
    "making:tenant_credit": {"POST": INCUBATOR},
    "making:founder_add": {"POST": INCUBATOR},
    "making:milestone_add": {"POST": INCUBATOR},
    "making:mentoring_add": {"POST": INCUBATOR},
    # A founder reports on their own firm's milestones (other citizens: 404).
    "making:milestone_progress": {"POST": INCUBATOR | {"citizen"}},
    "making:company": {"GET": {"citizen"}},
    "making:cluster": {"GET": EVERYONE},
    # The dong boundaries under the public cluster maps: public geography, nothing personal.
    "making:dong_shapes": {"GET": EVERYONE},
    "making:cluster_member": {"GET": EVERYONE},
    "making:cluster_member_new": {"GET": {STAFF}, "POST": {STAFF}},
    "making:cluster_member_edit": {"GET": {STAFF}, "POST": {STAFF}},
    "making:cluster_member_import": {"GET": {STAFF}, "POST": {STAFF}},
    "making:projects": {"GET": EVERYONE},
    "making:project": {"GET": EVERYONE},
    "making:project_new": {"GET": {STAFF}, "POST": {STAFF}},
    "making:project_edit": {"GET": {STAFF}, "POST": {STAFF}},
    "making:project_import": {"GET": {STAFF}, "POST": {STAFF}},
    # The incubator's staff change a tenant's milestones, mentoring sessions and founders.
    "making:milestone_edit": {"GET": INCUBATOR, "POST": INCUBATOR},
    "making:mentoring_edit": {"GET": INCUBATOR, "POST": INCUBATOR},
    "making:founder_edit": {"GET": INCUBATOR, "POST": INCUBATOR},
    # Last: these end their object (a confirmation page, then the removal).
    "making:milestone_remove": {"GET": INCUBATOR, "POST": INCUBATOR},
    "making:mentoring_remove": {"GET": INCUBATOR, "POST": INCUBATOR},
    "making:founder_remove": {"GET": INCUBATOR, "POST": INCUBATOR},
}
FOUNDERS_OWN = {"making:milestone_progress"}
ROUTES |= INCUBATOR_ROUTES

# Routes whose object belongs to one person: others with the role get 404.
OWNED = {
    "making:cancel_reservation",
    "making:cancel_enrolment",
    "making:certificate_pdf",
    "making:cancel_registration",
}


# Which rows fill a parameter when the global matrix probes the methods a route accepts (the
# roles themselves are walked by the app's own matrix, see WALKED_BY).
PARAMS = {
    "machines": citywide("making.Machine", 1),
    "reservations": citywide("making.Reservation", 1),
    "materials": citywide("making.Material", 1),
    "sessions": citywide("making.CourseSession", 1),
    "enrolments": citywide("making.Enrolment", 1),
    "certificates": citywide("making.Certificate", 1),
    "events": citywide("making.Event", 1),
    "registrations": citywide("making.EventRegistration", 1),
    "courses": citywide("making.Course", 1),
    "gallery": citywide("making.GalleryProject", 1),
    "incubator": citywide("making.Tenant", 1),
    "milestones": citywide("making.Milestone", 1),
    "mentoring": citywide("making.MentoringSession", 1),
    "founders": citywide("making.Founder", 1),
    "cluster": citywide("making.ClusterMember", 1),
    "rnd": citywide("making.RndProject", 1),
    "print": citywide("making.PrintJob", 1),
    "printers": citywide("making.Machine", 1),
}


def populate(world: Any) -> None:
    """A photo on the first gallery project (a 1×1 PNG, published), so its photo route serves a
    file."""
    import base64
    from pathlib import Path

    from django.core.files.base import ContentFile

    from saram.making.models import GalleryProject

    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
    )
    project = GalleryProject.objects.order_by("pk").first()
    if project is not None and not project.photo:
        project.is_published = True
        project.photo.save("matrix.png", ContentFile(png), save=True)
        world.extra.setdefault("files", []).append(Path(project.photo.path))
