"""Each staff page of the catalogue reads a fixed number of queries, however many rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.making.conftest import at

from saram.core.models import Role
from saram.making import models as m

pytestmark = pytest.mark.django_db


def _grow(n: int, course: m.Course, pla: m.Material) -> None:
    for i in range(n):
        machine = m.Machine.objects.create(code=f"Q-{n}-{i}", name=f"프린터 {i}", kind="fdm")
        machine.accepted_materials.add(pla)
        m.Material.objects.create(
            code=f"M-{n}-{i}", name="PLA", kind="pla", density_g_cm3="1.24", price_per_kg_krw=1
        )
        m.CourseSession.objects.create(
            course=course,
            starts_at=at(20, 9) + dt.timedelta(minutes=i),
            ends_at=at(20, 10),
            capacity=5,
        )
        m.Event.objects.create(
            title=f"행사 {i}",
            kind="open_day",
            starts_at=at(21, 9) + dt.timedelta(minutes=i),
            ends_at=at(21, 10),
            place="센터",
            capacity=10,
        )
        m.GalleryProject.objects.create(
            title=f"작품 {i}",
            maker_name="메이커",
            description="…",
            licence="cc0",
            made_on=dt.date(2026, 11, 1),
        )


PAGES = [
    ("making:machines", None),
    ("making:materials", None),
    ("making:catalogue", None),
    ("making:events", None),
    ("making:gallery", None),
    ("making:machine_new", None),
    ("making:material_new", None),
    ("making:course_new", None),
    ("making:session_new", None),
    ("making:event_new", None),
    ("making:gallery_new", None),
    ("making:machine_edit", "machine"),
    ("making:machine_retire", "machine"),
    ("making:session_edit", "session"),
    ("making:session_cancel", "session"),
]


@pytest.mark.parametrize(("name", "arg"), PAGES)
def test_a_staff_page_reads_as_many_queries_with_ten_times_the_rows(
    name: str,
    arg: str | None,
    client_as: Any,
    printer: m.Machine,
    pla: m.Material,
    fdm_course: m.Course,
) -> None:
    client = client_as(Role.MAKING_STAFF)
    session = m.CourseSession.objects.create(
        course=fdm_course, starts_at=at(19, 9), ends_at=at(19, 12), capacity=5
    )
    ids = {"machine": printer.pk, "session": session.pk}
    url = reverse(name, args=[ids[arg]] if arg else [])
    _grow(2, fdm_course, pla)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _grow(20, fdm_course, pla)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(few) <= 16, [q["sql"] for q in few.captured_queries]
