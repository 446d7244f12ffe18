"""Who may use each route of the citizen print service, by method (read by the authorization
matrix). A citizen's job answers 404 to any other citizen: the roles listed may use a job route
on their own jobs; staff on every job."""

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
