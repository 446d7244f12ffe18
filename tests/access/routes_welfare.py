"""The welfare routes added for the funnel, 긴급 alerts, printed lists and members without a
login, with the roles that may use each method (read by the authorization matrix)."""

OFFICER = "welfare_officer"
ADMIN = "city_admin"
MEMBER = "committee_member"

ROUTES = {
    "welfare:funnel": {"GET": {OFFICER, ADMIN}},
    "welfare:alerts": {"GET": {OFFICER, ADMIN}},
    "welfare:alert_detail": {"GET": {OFFICER, ADMIN}, "POST": {OFFICER, ADMIN}},
    "welfare:my_urgent": {"POST": {MEMBER, OFFICER}},
    "welfare:round_visit_list": {"GET": {OFFICER}},
    "welfare:assign_member": {"POST": {OFFICER}},
    # The comparison of the two models: GET shows the last one, POST starts a task.
    "welfare:model_check": {"GET": {OFFICER, ADMIN}, "POST": {OFFICER, ADMIN}},
}
