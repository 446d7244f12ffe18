"""Routes of the core app added by the import pipeline, with the roles that may use each
(`saram.core.models.Role` values); objects outside a user's scope answer 404."""

ALL_ROLES = {
    "city_admin",
    "welfare_officer",
    "committee_member",
    "procurement_officer",
    "social_economy_officer",
    "making_staff",
    "instructor",
    "citizen",
}

ROUTES = {
    # A template holds no data: headers, an example row, allowed codes.
    "import_template": {"GET": ALL_ROLES},
    # A job's error file: only the user who started the job (404 for anyone else).
    "job_errors": {"GET": ALL_ROLES},
}
