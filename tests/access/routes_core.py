"""Core routes added for trust (#9): who may use each, by method (read by the authorization
matrix). Every signed-in role manages its own API tokens; only the city administrator decides
duplicate registrations."""

from saram.core.models import Role

SIGNED_IN = {r.value for r in Role}

ROUTES = {
    "token_list": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "token_revoke": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "duplicate_list": {"GET": {Role.CITY_ADMIN.value}},
    "duplicate_detail": {"GET": {Role.CITY_ADMIN.value}, "POST": {Role.CITY_ADMIN.value}},
}
