"""Template filters of the welfare pages."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from saram.welfare.models import NeedCategory, VisitOutcome

register = template.Library()


@register.filter
def need_labels(codes: Iterable[str]) -> str:
    """Need categories by their names in the page's language."""
    labels = dict(NeedCategory.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes or ())


@register.filter
def outcome_label(code: str) -> str:
    """A visit outcome by its name in the page's language."""
    return str(dict(VisitOutcome.choices).get(code, code))
