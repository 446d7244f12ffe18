"""Template filters of the welfare pages."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from saram.welfare.models import NeedCategory

register = template.Library()


@register.filter
def need_labels(codes: Iterable[str]) -> str:
    """Need categories by their names in the page's language."""
    labels = dict(NeedCategory.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes or ())
