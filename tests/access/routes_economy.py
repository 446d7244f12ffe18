"""Who may use economy's pages and API: role values of `saram.core.models.Role`, or "anonymous"."""

from typing import Any

from tests.access.matrix import citywide

from saram.core.models import Role


def _layers(world: Any, role: str) -> tuple[list[str], list[str]]:
    return ["law", "city"], []


def _versions(world: Any, role: str) -> tuple[list[str], list[str]]:
    from saram.economy.services import rules

    _law, city, _revision = rules.current_rules()
    return [v["version_id"] for v in city.get("versions", [])][:1], []


# Every signed-in role (areas, organisations and one's own jobs are open to all of them).
EVERYONE = {r.value for r in Role}

READERS = {"city_admin", "procurement_officer", "social_economy_officer"}
MANAGERS = {"procurement_officer"}


def _meal_files(world: Any, role: str) -> tuple[list[str], list[str]]:
    return ["menus", "offers"], []


def populate(world: Any) -> None:
    """A solved school-meal run, a substitution and a meals job of each role's user."""
    from saram.core.models import Job
    from saram.economy.models import Category, FoodGroup, Ingredient, SourcingRun, Substitution

    produce, _ = Category.objects.get_or_create(
        code="produce", defaults={"name": "농산물", "kind": "goods"}
    )
    SourcingRun.objects.create(year=2026, category=produce, status="optimal")
    potato = Ingredient.objects.create(code="m-potato", name="행렬 감자", group=FoodGroup.VEGETABLE)
    sweet = Ingredient.objects.create(code="m-sweet", name="행렬 고구마", group=FoodGroup.VEGETABLE)
    Substitution.objects.create(original=potato, substitute=sweet, max_share_pct=30)
    for user in world.users.values():
        Job.objects.create(kind="economy.meals.menus", label="matrix", created_by=user)


ROUTES: dict[str, dict[str, set[str]]] = {
    "/api/economy/ledger/imports": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"},
        "POST": {"procurement_officer"},
    },
    "/api/economy/ledger/local-share": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"}
    },
    "/api/economy/ledger/splits": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"}
    },
    "/api/economy/lm3": {"GET": {"city_admin", "procurement_officer", "social_economy_officer"}},
    "/api/economy/lots": {"GET": {"city_admin", "procurement_officer", "social_economy_officer"}},
    "/api/economy/plans": {"GET": {"city_admin", "procurement_officer", "social_economy_officer"}},
    "/api/economy/plans/{plan_id}": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"}
    },
    "/api/economy/plans/{plan_id}/ocds": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"}
    },
    "/api/economy/policy/check": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"}
    },
    "/api/economy/policy/rules": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"}
    },
    "/api/economy/social-economy": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"}
    },
    "/api/economy/suppliers": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"}
    },
    "/api/economy/suppliers/{supplier_id}": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"}
    },
    "economy:demand_import": {"GET": {"procurement_officer"}, "POST": {"procurement_officer"}},
    "economy:employee_survey_create": {
        "GET": {"procurement_officer", "social_economy_officer"},
        "POST": {"procurement_officer", "social_economy_officer"},
    },
    "economy:home": {"GET": {"city_admin", "procurement_officer", "social_economy_officer"}},
    "economy:ledger_import": {"GET": {"procurement_officer"}, "POST": {"procurement_officer"}},
    "economy:ledger_import_remove": {"POST": {"procurement_officer"}},
    "economy:ledger_imports": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"}
    },
    "economy:ledger_job": {"GET": EVERYONE},
    # School meals and uniforms
    "economy:meals_home": {"GET": READERS},
    "economy:meals_import": {"GET": MANAGERS, "POST": MANAGERS},
    "economy:meals_job": {"GET": EVERYONE},  # one's own jobs only: another's is 404
    "economy:meals_run_new": {"GET": MANAGERS, "POST": MANAGERS},
    "economy:meals_run": {"GET": READERS},
    "economy:meals_run_orders": {"POST": MANAGERS},
    "economy:meals_tracking": {"GET": READERS},
    "economy:meals_deliveries": {"GET": MANAGERS, "POST": MANAGERS},
    "economy:meals_substitutions": {"GET": READERS, "POST": MANAGERS},
    "economy:meals_substitution_remove": {"POST": MANAGERS},
    "economy:uniforms": {"GET": READERS},
    "economy:ledger_job_review": {"POST": {"procurement_officer"}},
    "economy:ledger_rows": {"GET": {"city_admin", "procurement_officer", "social_economy_officer"}},
    "economy:ledger_splits": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"}
    },
    "economy:local_share": {"GET": {"city_admin", "procurement_officer", "social_economy_officer"}},
    # Every reader plans lots on the page; saving them as a plan is procurement's
    # (save_lot_plan requires Can.MANAGE_ECONOMY).
    "economy:lot_planner": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"},
        "POST": MANAGERS,
    },
    "economy:multiplier": {"GET": {"city_admin", "procurement_officer", "social_economy_officer"}},
    "economy:ocds_export": {"GET": {"city_admin", "procurement_officer", "social_economy_officer"}},
    "economy:plan_create": {"GET": {"procurement_officer"}, "POST": {"procurement_officer"}},
    "economy:plan_detail": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"},
        "POST": {"procurement_officer"},
    },
    "economy:plan_export": {"GET": {"city_admin", "procurement_officer", "social_economy_officer"}},
    "economy:plan_list": {"GET": {"city_admin", "procurement_officer", "social_economy_officer"}},
    "economy:plan_ocds": {"GET": {"city_admin", "procurement_officer", "social_economy_officer"}},
    "economy:policy_check": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"}
    },
    "economy:policy_revision": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"}
    },
    "economy:policy_rules": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"}
    },
    "economy:policy_version_delete": {"POST": {"city_admin"}},
    "economy:policy_version_edit": {"GET": {"city_admin"}, "POST": {"city_admin"}},
    "economy:policy_version_new": {"GET": {"city_admin"}, "POST": {"city_admin"}},
    "economy:purchase_award": {"GET": {"procurement_officer"}, "POST": {"procurement_officer"}},
    "economy:purchase_delete": {"POST": {"procurement_officer"}},
    "economy:purchase_tender": {"POST": {"procurement_officer"}},
    "economy:social_economy": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"}
    },
    "economy:supplier_create": {
        "GET": {"procurement_officer", "social_economy_officer"},
        "POST": {"procurement_officer", "social_economy_officer"},
    },
    "economy:supplier_detail": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"}
    },
    "economy:supplier_edit": {
        "GET": {"procurement_officer", "social_economy_officer"},
        "POST": {"procurement_officer", "social_economy_officer"},
    },
    "economy:supplier_import": {
        "GET": {"procurement_officer", "social_economy_officer"},
        "POST": {"procurement_officer", "social_economy_officer"},
    },
    "economy:supplier_list": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"}
    },
    "economy:supplier_map": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"}
    },
    "economy:supplier_map_geojson": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer"}
    },
    "economy:support_create": {
        "GET": {"social_economy_officer"},
        "POST": {"social_economy_officer"},
    },
    "economy:survey_create": {
        "GET": {"procurement_officer", "social_economy_officer"},
        "POST": {"procurement_officer", "social_economy_officer"},
    },
    "economy:survey_import": {
        "GET": {"procurement_officer", "social_economy_officer"},
        "POST": {"procurement_officer", "social_economy_officer"},
    },
}

PARAMS: dict[str, Any] = {
    "suppliers": "economy.Supplier",
    "supplier_id": "economy.Supplier",
    "imports": "economy.LedgerImport",
    "revisions": "economy.PolicyRevision:number",
    "layer": _layers,
    "version_id": _versions,
    "plans": "economy.PurchasePlan",
    "plan_id": "economy.PurchasePlan",
    "purchases": "economy.PlannedPurchase",
    "demand": citywide("economy.Programme", 1),
    "runs": citywide("economy.SourcingRun", 1),
    "substitutions": citywide("economy.Substitution", 1),
    "upload": _meal_files,
}


def _policy_check(world: Any) -> dict[str, Any]:
    from saram.economy.models import Category

    category = Category.objects.order_by("pk").values_list("code", flat=True).first()
    return {"query": f"category={category}&estimated_amount_krw=5000000&requested_on=2025-03-02"}


def _lots(world: Any) -> dict[str, Any]:
    from saram.economy.models import Programme

    programme = Programme.objects.order_by("pk").values_list("code", flat=True).first()
    return {"query": f"programme={programme}&fiscal_year=2025"}


def _ledger_file(world: Any) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = "지급번호,지급일,부서,사업,품목,사업자등록번호,거래처명,금액,계약방법\n".encode()
    return {
        "multipart": {
            "fiscal_year": "2025",
            "file": SimpleUploadedFile("ledger.csv", body, content_type="text/csv"),
        }
    }


# Valid requests for routes that need parameters (see tests/access/matrix.py `param_examples`).
EXAMPLES: dict[str, Any] = {
    "/api/economy/ledger/imports POST": _ledger_file,
    "/api/economy/ledger/local-share GET": {"query": "year=2024"},
    "/api/economy/ledger/splits GET": {"query": "year=2024"},
    "/api/economy/lm3 GET": {"query": "year=2024"},
    "/api/economy/social-economy GET": {"query": "year=2024"},
    "/api/economy/policy/check GET": _policy_check,
    "/api/economy/lots GET": _lots,
}
