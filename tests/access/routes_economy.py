"""Who may use each economy route, by method (read by the authorization matrix)."""

from __future__ import annotations

READERS = {"city_admin", "procurement_officer", "social_economy_officer"}
MANAGERS = {"procurement_officer"}

ROUTES: dict[str, dict[str, set[str]]] = {
    # School meals and uniforms
    "economy:meals_home": {"GET": READERS},
    "economy:meals_import": {"GET": MANAGERS, "POST": MANAGERS},
    "economy:meals_template": {"GET": READERS},
    "economy:meals_job": {"GET": MANAGERS},  # one's own jobs only
    "economy:meals_run_new": {"GET": MANAGERS, "POST": MANAGERS},
    "economy:meals_run": {"GET": READERS},
    "economy:meals_run_orders": {"POST": MANAGERS},
    "economy:meals_tracking": {"GET": READERS},
    "economy:meals_deliveries": {"GET": MANAGERS, "POST": MANAGERS},
    "economy:meals_substitutions": {"GET": READERS, "POST": MANAGERS},
    "economy:meals_substitution_remove": {"POST": MANAGERS},
    "economy:uniforms": {"GET": READERS},
}
