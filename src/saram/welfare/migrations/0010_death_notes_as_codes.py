"""A death's closures wrote their notes in the recorder's language; they become note codes of
`welfare.notes` (rendered in the reader's), and a case's closure note keeps only the
recorder's own words (the reason, died, is shown from its code)."""

from django.db import migrations

# The texts the earlier code wrote, in either language it may have run in.
_CLOSED_BY_DEATH = ("사망으로 사례 종결", "Case closed by death")
_WITHDRAWN_DIED = ("사망", "Deceased")
_CLOSURE_PREFIXES = ("사망 기록: ", "Death recorded: ")
_CLOSURE_ALONE = ("사망 기록", "Death recorded")


def forwards(apps, schema_editor):
    CaseApproval = apps.get_model("welfare", "CaseApproval")
    ReferralEvent = apps.get_model("welfare", "ReferralEvent")
    Case = apps.get_model("welfare", "Case")
    CaseApproval.objects.filter(status="cancelled", decision_note__in=_CLOSED_BY_DEATH).update(
        decision_note="closed_by_death"
    )
    ReferralEvent.objects.filter(
        status="withdrawn", referral__decline_reason="died", note__in=_WITHDRAWN_DIED
    ).update(note="withdrawn_died")
    deceased = Case.objects.filter(closure_reason="deceased")
    deceased.filter(closure_note__in=_CLOSURE_ALONE).update(closure_note="")
    for prefix in _CLOSURE_PREFIXES:
        for case in deceased.filter(closure_note__startswith=prefix).only("pk", "closure_note"):
            Case.objects.filter(pk=case.pk).update(closure_note=case.closure_note[len(prefix) :])


def backwards(apps, schema_editor):
    CaseApproval = apps.get_model("welfare", "CaseApproval")
    ReferralEvent = apps.get_model("welfare", "ReferralEvent")
    CaseApproval.objects.filter(decision_note="closed_by_death").update(
        decision_note=_CLOSED_BY_DEATH[0]
    )
    ReferralEvent.objects.filter(note="withdrawn_died").update(note=_WITHDRAWN_DIED[0])


class Migration(migrations.Migration):
    dependencies = [("welfare", "0009_automatic_notes_as_codes_and_alerts_closed_by_death")]

    operations = [migrations.RunPython(forwards, backwards)]
