"""Who may use core's pages and API: role values of `saram.core.models.Role`, or "anonymous"."""

from typing import Any

from tests.access.matrix import citywide

from saram.core.models import Role


def _jobs(world: Any, role: str) -> tuple[list[str], list[str], bool]:
    """The role's own jobs inside; another user's job is 404 for everyone."""
    from saram.core.models import Job

    user = world.users.get(role)
    mine = [str(j) for j in Job.objects.filter(created_by=user).values_list("pk", flat=True)]
    theirs = Job.objects.filter(label="matrix: someone else's").values_list("pk", flat=True)
    return (mine if user else []), [str(j) for j in theirs[:1]], True


def populate(world: Any) -> None:
    """A people import and a ledger import job for every role's user, and one of a stranger."""
    from django.contrib.auth import get_user_model

    from saram.core.models import Job

    for user in world.users.values():
        Job.objects.create(kind="people", label="matrix", created_by=user)
        _rejected_import(
            world, Job.objects.create(kind="economy.ledger", label="matrix", created_by=user)
        )
    stranger = get_user_model().objects.create_user(username="matrix-stranger")
    _duplicate_case(world)
    from saram.core.tokens import issue_token

    for user in [*world.users.values(), stranger]:
        issue_token(user=user, name="matrix")
    _rejected_import(
        world,
        Job.objects.create(
            kind="economy.ledger", label="matrix: someone else's", created_by=stranger
        ),
    )


def _rejected_import(world: Any, job: Any) -> None:
    """The job's import refused by the job runner with a row error, its error file kept, so
    its owner may download it and anyone else gets 404 for the same file."""
    from saram.core.engine.tabular import Problem
    from saram.core.errors import RowError, SaramError
    from saram.core.imports import review
    from saram.core.services import jobs

    def refuse(job: Any) -> dict[str, Any]:
        code = Problem.CELL_TOO_LONG.value
        raise SaramError(
            code, limit=20, row_errors=[RowError(2, "금액", code=code, params={"limit": 20})]
        )

    jobs.run_job(str(job.pk), refuse)
    job.refresh_from_db()
    assert job.result.get("has_review"), "the job runner kept no error file"
    world.extra.setdefault("files", []).extend(review._paths(str(job.pk)))


def _import_kinds(world: Any, role: str) -> tuple[list[str], list[str]]:
    """Registered import kinds (a template holds no data, so there is no outside)."""
    from saram.core.imports import templates

    return sorted(templates._SPECS)[:2], []


# Every signed-in role (areas, organisations and one's own jobs are open to all of them).
EVERYONE = {r.value for r in Role}

ROUTES: dict[str, dict[str, set[str]]] = {
    "/api/areas/dongs": {"GET": EVERYONE},
    "/api/areas/dongs/{code}": {"GET": EVERYONE},
    "/api/areas/gus": {"GET": EVERYONE},
    "/api/organisations": {"GET": EVERYONE},
    "/api/organisations/{org_id}": {"GET": EVERYONE},
    "/api/people": {"GET": {"welfare_officer"}},
    "/api/people/{person_id}": {"GET": {"welfare_officer"}},
    "api:openapi-json": {"GET": EVERYONE},
    "api:openapi-view": {"GET": EVERYONE},
    "audit_log": {"GET": {"city_admin"}},
    "dong_detail": {"GET": EVERYONE},
    "dongs_geojson": {"GET": EVERYONE},
    "home": {"GET": EVERYONE},
    "job_detail": {"GET": EVERYONE},
    # A template holds no data: headers, an example row, allowed codes.
    "import_template": {"GET": EVERYONE},
    # A job's error file: only the user who started the job (404 for anyone else).
    "job_errors": {"GET": EVERYONE},
    "organisation_detail": {"GET": EVERYONE},
    "organisation_list": {"GET": EVERYONE},
    "organisations_import": {
        "GET": {"city_admin", "social_economy_officer"},
        "POST": {"city_admin", "social_economy_officer"},
    },
    "people_export": {"GET": {"welfare_officer"}},
    "people_import": {"GET": {"welfare_officer"}, "POST": {"welfare_officer"}},
    "people_list": {"GET": {"welfare_officer"}},
    "person_create": {"GET": {"welfare_officer"}, "POST": {"welfare_officer"}},
    "person_detail": {"GET": {"welfare_officer"}},
    "person_edit": {"GET": {"welfare_officer"}, "POST": {"welfare_officer"}},
    # Every signed-in role manages its own API tokens; only the city administrator decides
    # duplicate registrations (#9).
    "token_list": {"GET": EVERYONE, "POST": EVERYONE},
    "token_revoke": {"GET": EVERYONE, "POST": EVERYONE},
    "duplicate_list": {"GET": {"city_admin"}},
    "duplicate_detail": {"GET": {"city_admin"}, "POST": {"city_admin"}},
}

# Which rows fill a parameter: keyed by the parameter's name or the path segment before it.
PARAMS: dict[str, Any] = {
    "code": "core.Dong:code",
    "dongs": citywide("core.Dong:code"),
    "people": "core.Person",
    "person_id": "core.Person",
    "person_pk": "core.Person",
    "organisations": citywide("core.Organisation"),
    "org_id": citywide("core.Organisation"),
    "job_id": _jobs,
    "duplicates": citywide("core.DuplicateCase", 1),
    # `imports/<kind>/template.xlsx`: "imports" alone is economy's ledger imports.
    "import_template <kind>": _import_kinds,
}

# 맞춤형복지팀장 works as an officer of the dong: wherever an officer may go, so may the team lead.
for _methods in ROUTES.values():
    for _roles in _methods.values():
        if "welfare_officer" in _roles:
            _roles.add("welfare_supervisor")


def _tokens(world: Any, role: str) -> tuple[list[str], list[str], bool]:
    """The role's own API token inside; another user's token is 404 for everyone."""
    from saram.core.models import ApiToken

    user = world.users.get(role)
    mine = [str(t) for t in ApiToken.objects.filter(user=user).values_list("pk", flat=True)]
    theirs = ApiToken.objects.filter(user__username="matrix-stranger").values_list("pk", flat=True)
    return (mine if user else []), [str(t) for t in theirs[:1]], True


def _duplicate_case(world: Any) -> None:
    """A number registered in one dong that an officer of another dong tried to register."""
    from django.utils import timezone

    from saram.core.models import DuplicateCase, Person

    person = Person.objects.exclude(dong=world.dong_a).order_by("pk").first()
    if person is not None:
        DuplicateCase.objects.create(
            created_at=timezone.now(),
            reported_by=world.users["welfare_officer"],
            source="register",
            wanted_dong=world.dong_a,
            person=person,
        )


PARAMS["tokens"] = _tokens
