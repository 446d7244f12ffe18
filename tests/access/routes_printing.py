"""Who may use each route of the citizen print service, by method (read by the authorization
matrix). A citizen's job answers 404 to any other citizen: the roles listed may use a job route
on their own jobs; staff on every job."""

from pathlib import Path
from typing import Any

from tests.access.matrix import citywide

# Access is tested route by route in tests/making/printing/test_pages.py (roles refused, another
# citizen's job 404, GET on writes refused, refused writes change nothing); the global matrix
# checks only that every route and method is classified here, until PARAMS for its owned rows
# are written.
WALKED_BY = "tests/making/printing/test_pages.py"


STAFF = "making_staff"
PRINTERS = {"citizen", STAFF}
# A welfare officer reaches the job pages of the assistive devices they asked for (their own).
DEVICE_REQUESTERS = {"welfare_officer", "welfare_supervisor"}
OWN_JOB = PRINTERS | DEVICE_REQUESTERS

ROUTES = {
    "making:print_home": {"GET": PRINTERS},
    "making:print_upload": {"POST": PRINTERS},
    "making:print_queue": {"GET": {STAFF}},
    "making:print_job": {"GET": OWN_JOB},
    "making:print_model": {"GET": OWN_JOB},
    "making:print_progress": {"GET": OWN_JOB},
    "making:print_slice": {"POST": OWN_JOB},
    "making:print_repair": {"POST": OWN_JOB},
    "making:print_accept": {"POST": OWN_JOB},
    "making:print_decline": {"POST": OWN_JOB},
    "making:print_cancel": {"POST": OWN_JOB},
    # The year's device budgets: the city sets them; officers see their dongs' and the pool.
    "making:device_budgets": {
        "GET": {"city_admin", "welfare_officer", "welfare_supervisor"},
        "POST": {"city_admin"},
    },
    # A new version of a budget in force, or its end (the city; 404 for an ended one).
    "making:device_budget_edit": {"GET": {"city_admin"}, "POST": {"city_admin"}},
    "making:device_budget_end": {"GET": {"city_admin"}, "POST": {"city_admin"}},
    # The centre's discounts on quotes, as versioned data (staff).
    "making:print_discounts": {"GET": {STAFF}},
    "making:print_discount_new": {"GET": {STAFF}, "POST": {STAFF}},
    "making:print_discount_edit": {"GET": {STAFF}, "POST": {STAFF}},
    "making:print_discount_end": {"GET": {STAFF}, "POST": {STAFF}},
    "making:print_start": {"POST": {STAFF}},
    "making:print_follow": {"POST": {STAFF}},
    "making:print_fail": {"POST": {STAFF}},
    "making:print_deliver": {"POST": {STAFF}},
    "making:print_priority": {"POST": {STAFF}},
    "making:printer_plate_clear": {"POST": {STAFF}},
}

# The welfare case's hook into the print service (an officer of the case's dong).
ROUTES["welfare:case_device"] = {"POST": {"welfare_officer", "welfare_supervisor"}}

# Which rows fill a parameter when a route is probed or read (the print jobs and printers are
# in routes_making.py's PARAMS): the city's device budgets and the centre's discounts.
PARAMS = {
    "device-budgets": citywide("making.DeviceBudget", 1),
    "discounts": citywide("making.Discount", 1),
}


def populate(world: Any) -> None:
    """A quoted print job of the citizen (a small cube as its model), for the job's pages."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from saram.making.models import Material, PrintJob

    cube = (
        "solid cube\n"
        + "".join(
            f"facet normal 0 0 0\nouter loop\nvertex {a}\nvertex {b}\nvertex {c}\n"
            "endloop\nendfacet\n"
            for a, b, c in (
                ("0 0 0", "1 0 0", "0 1 0"),
                ("0 0 0", "0 1 0", "0 0 1"),
                ("0 0 0", "0 0 1", "1 0 0"),
                ("1 0 0", "0 0 1", "0 1 0"),
            )
        )
        + "endsolid cube\n"
    )
    material = Material.objects.order_by("pk").first()
    assert material is not None, "the making demo has no material"
    job = PrintJob(
        requester=world.users["citizen"],
        created_at=timezone.now(),
        title="매트릭스 출력",
        model_name="cube.stl",
        material=material,
        status="quoted",
        total_krw=1000,
    )
    job.model_file.save("cube.stl", ContentFile(cube.encode()), save=False)
    job.save()
    world.extra.setdefault("files", []).append(Path(job.model_file.path))
