"""View-models of the case pages: what each page shows, built from scoped reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from saram.core.access import Can, scope_of
from saram.welfare import case_forms, case_selectors, forms, selectors
from saram.welfare.case_selectors import consents_of
from saram.welfare.models import (
    ApprovalStatus,
    Case,
    CaseStage,
    ConsentKind,
    ReferralEvent,
)
from saram.welfare.services import cases
from saram.welfare.services.consent import WITHOUT_CONSENT

STEPS = [s for s in CaseStage if s != CaseStage.CLOSED]


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # "done", "current" or "todo"


def stage_steps(case: Case) -> list[Step]:
    """The case-work steps with where this case stands."""
    order = [*STEPS, CaseStage.CLOSED]
    at = order.index(CaseStage(case.stage))
    return [
        Step(str(s.label), "done" if i < at else "current" if i == at else "todo")
        for i, s in enumerate(order)
    ]


def case_page(user: Any, case: Case, *, today: dt.date) -> dict[str, Any]:
    """Everything the case page shows, for this user."""
    is_worker = cases.is_worker(user, case)
    can_manage = case.dong_id in scope_of(user).dong_ids(Can.MANAGE_PEOPLE) and case.is_open
    can_approve = case.dong_id in scope_of(user).dong_ids(Can.APPROVE_CASES)
    officers = cases.officers_of(case)
    needs = list(case.needs.all())
    workers = list(case.workers.all())
    resources = [r for r in selectors.resources_for(user) if r.dong_id in (None, case.dong_id)]
    approvals = list(case.approvals.select_related("requested_by", "decided_by"))
    consents = list(consents_of(user, case.person))
    sharing = next((c for c in consents if c.kind == ConsentKind.THIRD_PARTY and c.is_active), None)
    return {
        "case": case,
        "steps": stage_steps(case),
        "needs": needs,
        "prefilled": cases.prefilled_needs(case) if case.is_open else [],
        "actions": case.actions.select_related("owner", "need"),
        "referrals": case.referrals.select_related("resource").prefetch_related(
            Prefetch("events", queryset=ReferralEvent.objects.order_by("at", "id"))
        ),
        "notes": selectors.case_notes_for(user, case),
        "visits": case.visits.select_related("visitor"),
        "conferences": case.conferences.select_related("recorded_by"),
        "approvals": approvals,
        "pending_approval": next(
            (a for a in approvals if a.status == ApprovalStatus.PENDING), None
        ),
        "blockers": cases.describe_blockers(cases.closure_blockers(case, today=today))
        if case.is_open
        else "",
        "sharing_consent": sharing,
        "without_consent": WITHOUT_CONSENT,
        "workers": workers,
        "is_worker": is_worker,
        "can_manage": can_manage,
        "can_approve": can_approve,
        "need_form": forms.NeedForm(auto_id="need_%s"),
        "assess_form": case_forms.AssessForm(
            initial={"needs": cases.prefilled_needs(case) if case.is_open else []},
            auto_id="assess_%s",
        ),
        "conference_form": case_forms.ConferenceForm(initial={"held_on": today}, auto_id="conf_%s"),
        "approval_form": case_forms.ApprovalRequestForm(auto_id="ask_%s"),
        # Each form its own field ids: the page holds many forms, and a label must point to
        # its own field.
        "decision_form": case_forms.DecisionForm(auto_id="decide_%s"),
        "action_form": forms.ActionForm(officers=officers, needs=needs, auto_id="action_%s"),
        "note_form": forms.NoteForm(auto_id="casenote_%s"),
        "referral_form": forms.ReferralForm(resources=resources, needs=needs, auto_id="refer_%s"),
        "answer_form": case_forms.ReferralAnswerForm(initial={"answered_on": today}),
        "close_form": case_forms.ClosureRequestForm(auto_id="close_%s"),
        "follow_up_form": forms.FollowUpForm(
            dongs=case_selectors.transfer_targets(case.person), auto_id="follow_%s"
        ),
        "worker_form": forms.WorkerForm(
            officers=[o for o in officers if o not in workers], auto_id="worker_%s"
        ),
        "today": today,
    }
