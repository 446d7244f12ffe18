"""Who may use each welfare route, by method (read by the authorization matrix).

This part lists the case-work, consent, transfer, public-door and offline-visit routes;
officers and team leads act only inside their dongs (404 outside).
"""

from __future__ import annotations

OFFICERS = {"welfare_officer", "welfare_supervisor"}
VISITORS = {"committee_member", "welfare_officer", "welfare_supervisor"}
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
    "citizen",
}

ROUTES: dict[str, dict[str, set[str]]] = {
    "welfare:cases": {"GET": OFFICERS},
    "welfare:case_new": {"POST": OFFICERS},
    "welfare:case_detail": {"GET": OFFICERS},
    "welfare:case_assess": {"POST": OFFICERS},
    "welfare:case_conference": {"POST": OFFICERS},
    "welfare:case_need": {"POST": OFFICERS},
    "welfare:case_need_met": {"POST": OFFICERS},
    "welfare:case_action": {"POST": OFFICERS},
    "welfare:case_action_done": {"POST": OFFICERS},
    "welfare:case_plan_approval": {"POST": OFFICERS},
    "welfare:case_note": {"POST": OFFICERS},
    "welfare:case_worker": {"POST": OFFICERS},
    "welfare:case_referral": {"POST": OFFICERS},
    "welfare:case_follow_up": {"POST": OFFICERS},
    "welfare:case_close": {"POST": OFFICERS},
    "welfare:approvals": {"GET": {"welfare_supervisor"}},
    "welfare:approval_decide": {"POST": {"welfare_supervisor"}},
    "welfare:referral_update": {"POST": OFFICERS},
    "welfare:resources": {"GET": {"city_admin", *OFFICERS}},
    "welfare:resource_new": {"GET": {"city_admin"}, "POST": {"city_admin"}},
    "welfare:resource_edit": {"GET": {"city_admin"}, "POST": {"city_admin"}},
    "welfare:person_consents": {"GET": OFFICERS, "POST": OFFICERS},
    "welfare:consent_withdraw": {"POST": OFFICERS},
    "welfare:consent_scan": {"GET": OFFICERS},
    "welfare:transfer_new": {"GET": OFFICERS, "POST": OFFICERS},
    "welfare:transfers": {"GET": OFFICERS},
    "welfare:transfer_accept": {"POST": OFFICERS},
    "welfare:transfer_cancel": {"POST": OFFICERS},
    "welfare:help_queue": {"GET": OFFICERS},
    "welfare:help_request": {"GET": OFFICERS, "POST": OFFICERS},
    "welfare:conflicts": {"GET": OFFICERS},
    "welfare:conflict_resolve": {"POST": OFFICERS},
    # The public door: no login.
    "welfare:help": {"GET": EVERYONE, "POST": EVERYONE},
    "welfare:help_places": {"GET": EVERYONE},
    "welfare:help_done": {"GET": EVERYONE},
    "welfare:help_status": {"GET": EVERYONE},
    # The offline visit app: the shell, worker and manifest hold no personal data.
    "welfare:offline_bundle": {"GET": VISITORS},
    "welfare:offline_sync": {"POST": VISITORS},
    "welfare:offline_sw": {"GET": EVERYONE},
    "welfare:offline_manifest": {"GET": EVERYONE},
    "welfare:offline_app": {"GET": EVERYONE},
}
