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

# Who reads the economy's figures, who manages procurement, who keeps the supplier registry.
READERS = {"city_admin", "procurement_officer", "social_economy_officer"}
MANAGERS = {"procurement_officer"}
REGISTRY = {"procurement_officer", "social_economy_officer"}
# School meals: the nutritionist plans them beside the procurement officer (no ledger, rules or
# registry); uniforms stay procurement's.
MEAL_READERS = READERS | {"nutritionist"}
MEAL_PLANNERS = MANAGERS | {"nutritionist"}


def _welfare_purchases(world: Any, role: str) -> tuple[list[int], list[int]]:
    from saram.economy.models import LedgerEntry

    entries = LedgerEntry.objects.filter(programme__code__startswith="welfare-").order_by("pk")
    return list(entries.values_list("pk", flat=True)[:1]), []


def _meal_files(world: Any, role: str) -> tuple[list[str], list[str]]:
    # The farms' offers are procurement's alone: a nutritionist is walked on the menus.
    return (["menus"] if role == "nutritionist" else ["menus", "offers"]), []


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


# Read-only routes every economy reader may use, then the rest one by one.
_READ_ONLY = (
    "/api/economy/ledger/local-share",
    "/api/economy/ledger/splits",
    "/api/economy/lm3",
    "/api/economy/lots",
    "/api/economy/plans",
    "/api/economy/plans/{plan_id}",
    "/api/economy/plans/{plan_id}/ocds",
    "/api/economy/policy/check",
    "/api/economy/policy/rules",
    "/api/economy/social-economy",
    "/api/economy/suppliers",
    "/api/economy/suppliers/{supplier_id}",
    "economy:home",
    "economy:ledger_imports",
    "economy:ledger_rows",
    "economy:ledger_splits",
    "economy:local_share",
    "economy:multiplier",
    "economy:ocds_export",
    "economy:plan_export",
    "economy:plan_list",
    "economy:plan_ocds",
    "economy:policy_check",
    "economy:policy_revision",
    "economy:policy_rules",
    "economy:social_economy",
    "economy:supplier_detail",
    "economy:supplier_list",
    "economy:supplier_map",
    "economy:supplier_map_geojson",
    "economy:uniforms",
)
_MANAGED = ("economy:demand_import", "economy:ledger_import", "economy:plan_create")
_MANAGER_WRITES = (
    "economy:ledger_import_remove",
    "economy:ledger_job_review",
    "economy:purchase_delete",
    "economy:purchase_tender",
)
_REGISTRY_FORMS = (
    "economy:employee_survey_create",
    "economy:supplier_create",
    "economy:supplier_edit",
    "economy:supplier_import",
    "economy:survey_create",
    "economy:survey_import",
)

ROUTES: dict[str, dict[str, set[str]]] = {
    **{key: {"GET": READERS} for key in _READ_ONLY},
    **{key: {"GET": MANAGERS, "POST": MANAGERS} for key in _MANAGED},
    **{key: {"POST": MANAGERS} for key in _MANAGER_WRITES},
    **{key: {"GET": REGISTRY, "POST": REGISTRY} for key in _REGISTRY_FORMS},
    "/api/economy/ledger/imports": {"GET": READERS, "POST": MANAGERS},
    "economy:ledger_job": {"GET": EVERYONE},  # one's own jobs only: another's is 404
    "economy:lot_planner": {"GET": READERS, "POST": MANAGERS},  # saving a plan is procurement's
    "economy:plan_detail": {"GET": READERS, "POST": MANAGERS},
    "economy:policy_version_delete": {"POST": {"city_admin"}},
    "economy:policy_version_edit": {"GET": {"city_admin"}, "POST": {"city_admin"}},
    "economy:policy_version_new": {"GET": {"city_admin"}, "POST": {"city_admin"}},
    "economy:purchase_award": {"GET": MANAGERS, "POST": MANAGERS},
    # Welfare purchases (#13 Part D): read with the economy, recorded by procurement.
    "economy:welfare_purchases": {"GET": READERS},
    "economy:welfare_purchase_create": {"GET": MANAGERS, "POST": MANAGERS},
    "economy:welfare_purchase_edit": {"GET": MANAGERS, "POST": MANAGERS},
    "economy:welfare_purchase_remove": {"POST": MANAGERS},
    "economy:support_create": {
        "GET": {"social_economy_officer"},
        "POST": {"social_economy_officer"},
    },
    # School meals
    "economy:meals_home": {"GET": MEAL_READERS},
    "economy:meals_import": {"GET": MEAL_PLANNERS, "POST": MEAL_PLANNERS},
    "economy:meals_job": {"GET": EVERYONE},  # one's own jobs only: another's is 404
    "economy:meals_run_new": {"GET": MEAL_PLANNERS, "POST": MEAL_PLANNERS},
    "economy:meals_run": {"GET": MEAL_READERS},
    "economy:meals_run_orders": {"POST": MEAL_PLANNERS},
    "economy:meals_tracking": {"GET": MEAL_READERS},
    "economy:meals_deliveries": {"GET": MEAL_PLANNERS, "POST": MEAL_PLANNERS},
    "economy:meals_substitutions": {"GET": MEAL_READERS, "POST": MEAL_PLANNERS},
    "economy:meals_substitution_remove": {"POST": MEAL_PLANNERS},
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
    "economy:welfare_purchase_edit <pk>": _welfare_purchases,
    "economy:welfare_purchase_remove <pk>": _welfare_purchases,
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
