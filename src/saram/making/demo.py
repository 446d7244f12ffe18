"""The making demo: the Jeonju 3D-printing centre with its machines, materials, a term of
courses, a month of reservations, the incubator, the cluster, events and the gallery.

Facts about Jeonju used here, as the seed article and public reports give them: the
K-ICT 3D프린팅 전주센터 opened in 2016; 한국탄소융합기술원 (팔복동) printed a carbon-fibre car
body in 2018. Everything else (machines, people, startups, figures) is invented for the demo;
organisations whose details are not checked are marked `is_uncertain` and shown as such.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from saram.core.models import City, Dong, Organisation, OrganisationKind, Role, RoleAssignment
from saram.making.demo_printing import seed_print_rules
from saram.making.models import (
    Audience,
    Certificate,
    ClusterMember,
    ClusterRole,
    ClusterSector,
    Course,
    CourseSession,
    CreditEntry,
    CreditReason,
    Enrolment,
    EnrolmentStatus,
    Event,
    EventKind,
    EventRegistration,
    Founder,
    GalleryProject,
    Licence,
    Machine,
    MachineKind,
    MachineLogEntry,
    MachineLogKind,
    MachineStatus,
    Material,
    MaterialKind,
    MentoringSession,
    Milestone,
    RegistrationStatus,
    Reservation,
    ReservationKind,
    ReservationStatus,
    RndProject,
    Room,
    StockMovement,
    StockReason,
    Tenant,
)
from saram.making.services._common import SEOUL
from saram.making.services.courses import new_certificate_code

Progress = Callable[[str], None]
MARKER = "JJ-FDM-01"  # the first machine's code: present means the demo is loaded


def _quiet(_message: str) -> None:
    return None


ROOMS = [
    ("장비실 A", Room.Kind.WORKSHOP, 1, "120.0"),
    ("복합소재 장비실", Room.Kind.WORKSHOP, 1, "80.0"),
    ("교육장 1", Room.Kind.CLASSROOM, 2, "90.0"),
    ("교육장 2", Room.Kind.CLASSROOM, 2, "60.0"),
    *[(f"보육실 30{i}", Room.Kind.OFFICE, 3, "33.0") for i in range(1, 6)],
]

# code, name, kind, colour, density, KRW/kg, stock g, reorder g
MATERIALS = [
    ("PLA-WHT", "PLA", MaterialKind.PLA, "흰색", "1.240", 25_000, 14_000, 5_000),
    ("PLA-BLK", "PLA", MaterialKind.PLA, "검정", "1.240", 25_000, 3_500, 5_000),
    ("PETG-CLR", "PETG", MaterialKind.PETG, "투명", "1.270", 30_000, 8_000, 3_000),
    ("ABS-GRY", "ABS", MaterialKind.ABS, "회색", "1.040", 28_000, 6_000, 3_000),
    ("TPU-BLK", "TPU 95A", MaterialKind.TPU, "검정", "1.210", 55_000, 1_800, 2_000),
    ("RESIN-STD", "표준 레진", MaterialKind.RESIN, "회색", "1.100", 90_000, 4_000, 2_000),
    ("NYLON-CF", "탄소섬유 나일론", MaterialKind.NYLON_CF, "검정", "1.200", 180_000, 2_500, 1_000),
    ("CCF", "연속 탄소섬유", MaterialKind.CONTINUOUS_CF, "검정", "1.400", 900_000, 600, 300),
    ("PA12", "PA12 분말", MaterialKind.PA12_POWDER, "흰색", "1.010", 120_000, 20_000, 10_000),
    ("ACRYL-3", "아크릴 3mm", MaterialKind.ACRYLIC, "투명", "1.190", 8_000, 30_000, 10_000),
]

# code, name, kind, room index, (x, y, z), nozzle, KRW/h, materials, loaded, status
MACHINES = [
    (
        "JJ-FDM-01",
        "FDM 프린터 1호기",
        MachineKind.FDM,
        0,
        (250, 210, 220),
        "0.40",
        3_000,
        ["PLA-WHT", "PLA-BLK", "PETG-CLR", "TPU-BLK"],
        "PLA-WHT",
        MachineStatus.AVAILABLE,
    ),
    (
        "JJ-FDM-02",
        "FDM 프린터 2호기",
        MachineKind.FDM,
        0,
        (250, 210, 220),
        "0.40",
        3_000,
        ["PLA-WHT", "PLA-BLK", "PETG-CLR"],
        "PLA-BLK",
        MachineStatus.AVAILABLE,
    ),
    (
        "JJ-FDM-03",
        "FDM 프린터 3호기",
        MachineKind.FDM,
        0,
        (220, 220, 250),
        "0.40",
        3_000,
        ["PLA-WHT", "PETG-CLR", "ABS-GRY"],
        "ABS-GRY",
        MachineStatus.AVAILABLE,
    ),
    (
        "JJ-FDM-04",
        "FDM 프린터 4호기",
        MachineKind.FDM,
        0,
        (220, 220, 250),
        "0.60",
        3_000,
        ["PLA-WHT", "PETG-CLR", "ABS-GRY"],
        "PETG-CLR",
        MachineStatus.MAINTENANCE,
    ),
    (
        "JJ-LFM-01",
        "대형 FDM 프린터",
        MachineKind.LARGE_FORMAT,
        0,
        (1000, 1000, 1000),
        "1.00",
        15_000,
        ["PLA-WHT", "PETG-CLR"],
        "PLA-WHT",
        MachineStatus.AVAILABLE,
    ),
    (
        "JJ-SLA-01",
        "광경화 프린터 1호기",
        MachineKind.RESIN,
        0,
        (145, 145, 185),
        None,
        6_000,
        ["RESIN-STD"],
        "RESIN-STD",
        MachineStatus.AVAILABLE,
    ),
    (
        "JJ-SLA-02",
        "광경화 프린터 2호기",
        MachineKind.RESIN,
        0,
        (145, 145, 185),
        None,
        6_000,
        ["RESIN-STD"],
        "RESIN-STD",
        MachineStatus.BROKEN,
    ),
    (
        "JJ-SLS-01",
        "분말소결 프린터",
        MachineKind.SLS,
        1,
        (165, 165, 300),
        None,
        40_000,
        ["PA12"],
        "PA12",
        MachineStatus.AVAILABLE,
    ),
    (
        "JJ-CF-01",
        "탄소섬유 복합소재 프린터 (단섬유)",
        MachineKind.COMPOSITE,
        1,
        (320, 132, 154),
        "0.40",
        12_000,
        ["NYLON-CF"],
        "NYLON-CF",
        MachineStatus.AVAILABLE,
    ),
    (
        "JJ-CF-02",
        "탄소섬유 복합소재 프린터 (연속섬유)",
        MachineKind.COMPOSITE,
        1,
        (320, 132, 154),
        "0.40",
        20_000,
        ["NYLON-CF", "CCF"],
        "CCF",
        MachineStatus.AVAILABLE,
    ),
    (
        "JJ-LSR-01",
        "레이저 커터",
        MachineKind.LASER_CUTTER,
        0,
        (900, 600, 0),
        None,
        8_000,
        ["ACRYL-3"],
        "ACRYL-3",
        MachineStatus.AVAILABLE,
    ),
    (
        "JJ-SCN-01",
        "3D 스캐너",
        MachineKind.SCANNER,
        0,
        None,
        None,
        5_000,
        [],
        None,
        MachineStatus.AVAILABLE,
    ),
]

# code, title, audience, hours, fee, unlocks, summary
COURSES = [
    (
        "P-101",
        "청소년 3D프린팅 체험",
        Audience.PUPIL,
        3,
        0,
        "",
        "초·중·고 학생이 학교 단위로 신청하는 체험 과정: 모델링 맛보기와 출력 관찰.",
    ),
    (
        "P-201",
        "중학생 메이커 교실: 내 물건 설계하기",
        Audience.PUPIL,
        6,
        0,
        "",
        "학교와 함께 하는 2회 과정. 간단한 생활용품을 설계하고 출력합니다.",
    ),
    (
        "U-101",
        "3D 모델링과 FDM 출력 실습",
        Audience.UNIVERSITY,
        8,
        20_000,
        MachineKind.FDM,
        "대학생 대상. 이수하면 FDM 프린터를 예약할 수 있습니다.",
    ),
    (
        "F-101",
        "탄소섬유 복합소재 출력 전문 과정",
        Audience.FOUNDER,
        16,
        150_000,
        MachineKind.COMPOSITE,
        "창업자·전문가 대상. 이수하면 복합소재 프린터를 예약할 수 있습니다.",
    ),
    (
        "F-102",
        "광경화 프린터 활용과 후처리",
        Audience.FOUNDER,
        8,
        80_000,
        MachineKind.RESIN,
        "시제품 제작을 위한 레진 출력과 세척·경화.",
    ),
    (
        "F-103",
        "대형 출력물 설계와 운용",
        Audience.FOUNDER,
        8,
        80_000,
        MachineKind.LARGE_FORMAT,
        "대형 FDM 프린터의 출력 계획과 안전.",
    ),
    (
        "G-101",
        "FDM 3D프린터 기초",
        Audience.PUBLIC,
        4,
        10_000,
        MachineKind.FDM,
        "누구나. 이수하면 FDM 프린터를 예약할 수 있습니다.",
    ),
    (
        "G-102",
        "생활 속 3D프린팅",
        Audience.PUBLIC,
        3,
        0,
        "",
        "생활밀착형 교육: 집에서 쓰는 작은 물건을 고치고 만들기.",
    ),
    (
        "G-103",
        "레이저 커터 안전 교육",
        Audience.PUBLIC,
        2,
        0,
        MachineKind.LASER_CUTTER,
        "이수하면 레이저 커터를 예약할 수 있습니다.",
    ),
]

SURNAMES = list("김이박최정강조윤장임한오서신권황안송류홍")
GIVEN = [
    "민준",
    "서연",
    "도윤",
    "하은",
    "지호",
    "수아",
    "예준",
    "지유",
    "시우",
    "서윤",
    "주원",
    "하린",
    "지민",
    "채원",
    "현우",
    "다은",
    "건우",
    "소율",
    "우진",
    "예린",
    "선영",
    "정호",
    "미경",
    "영수",
    "순자",
    "상철",
    "은정",
    "동현",
    "혜진",
    "성민",
]

# name, kind, role, sector, dong, summary, website, uncertain
CLUSTER = [
    (
        "한국탄소융합기술원",
        OrganisationKind.PUBLIC,
        ClusterRole.INSTITUTE,
        ClusterSector.BOTH,
        "팔복동",
        "탄소 소재 연구기관. 2018년 탄소섬유 복합소재로 자동차 차체를 3D프린팅으로 제작.",
        "",
        False,
    ),
    (
        "K-ICT 3D프린팅 전주센터",
        OrganisationKind.PUBLIC,
        ClusterRole.PUBLIC_BODY,
        ClusterSector.PRINTING,
        "팔복동",
        "2016년 문을 연 3D프린팅 지원 센터 (소재 동은 확인 필요).",
        "",
        True,
    ),
    (
        "전북대학교",
        OrganisationKind.SCHOOL,
        ClusterRole.UNIVERSITY,
        ClusterSector.CARBON,
        "덕진동",
        "탄소·고분자 소재 학과와 연구소.",
        "",
        False,
    ),
    (
        "전주대학교",
        OrganisationKind.SCHOOL,
        ClusterRole.UNIVERSITY,
        ClusterSector.PRINTING,
        "효자4동",
        "디자인·공학 계열 3D프린팅 교육.",
        "",
        True,
    ),
    (
        "전북테크노파크",
        OrganisationKind.PUBLIC,
        ClusterRole.PUBLIC_BODY,
        ClusterSector.BOTH,
        "팔복동",
        "지역 산업 육성 기관 (소재 동은 확인 필요).",
        "",
        True,
    ),
    (
        "탄소섬유 생산 공장 (전주 친환경첨단복합산업단지)",
        OrganisationKind.FIRM,
        ClusterRole.FIRM,
        ClusterSector.CARBON,
        "조촌동",
        "탄소섬유 생산 (업체명과 위치 확인 필요).",
        "",
        True,
    ),
    (
        "전주시청 탄소산업과",
        OrganisationKind.PUBLIC,
        ClusterRole.PUBLIC_BODY,
        ClusterSector.CARBON,
        "노송동",
        "시의 탄소·3D프린팅 산업 정책 (부서명 확인 필요).",
        "",
        True,
    ),
]

# Invented startups housed by the incubator.
STARTUPS = [
    ("카본웍스 주식회사", "탄소섬유 자전거 부품", "조촌동"),
    ("메디프린트랩", "맞춤형 재활 보조기구", "효자4동"),
    ("한지소재연구소", "한지 복합소재 조명", "풍남동"),
    ("드론스케치", "경량 드론 프레임", "송천1동"),
    ("모두의공방 협동조합", "교육용 3D프린팅 키트", "인후1동"),
]


def _dongs(city: City) -> dict[str, Dong]:
    return {d.name: d for d in Dong.objects.filter(city=city)}


def _organisation(name: str, kind: str, dong: Dong | None) -> Organisation:
    org = Organisation.objects.filter(name=name).order_by("id").first()
    if org is None:
        org = Organisation.objects.create(name=name, kind=kind, dong=dong)
    return org


def _people(rng: np.random.Generator, count: int, dongs: list[Dong]) -> list[dict[str, Any]]:
    """Demo participants (no login): name, dong and birth year, spread across many dongs."""
    user_model = get_user_model()
    people = []
    for i in range(count):
        username = f"demo-maker-{i:03d}"
        surname = SURNAMES[int(rng.integers(len(SURNAMES)))]
        given = GIVEN[int(rng.integers(len(GIVEN)))]
        user = user_model._base_manager.filter(username=username).first()
        if user is None:
            user = user_model.objects.create_user(
                username=username, first_name=given, last_name=surname
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
        band = rng.choice(
            [2012, 2008, 2003, 1995, 1985, 1975, 1960], p=[0.2, 0.15, 0.2, 0.15, 0.12, 0.1, 0.08]
        )
        people.append(
            {
                "user": user,
                "name": f"{surname}{given}",
                "dong": dongs[int(rng.integers(len(dongs)))],
                "birth_year": int(band + rng.integers(0, 5)),
            }
        )
    return people


def load_demo(*, city: City, seed: int, progress: Progress | None = None) -> dict[str, int]:
    """Load the centre's demo; nothing happens when it is already there."""
    say = progress or _quiet

    officer_dong = Dong.objects.filter(city=city, name="송천1동").first()
    seed_print_rules(today=timezone.localdate(), dongs=[officer_dong] if officer_dong else [])
    if Machine.objects.filter(code=MARKER).exists():
        say("3D프린팅 데모가 이미 있습니다: 그대로 둡니다.")
        return {}
    rng = np.random.default_rng([seed, 10])
    now = timezone.now()
    today = timezone.localdate()
    dong_by_name = _dongs(city)
    all_dongs = list(dong_by_name.values())
    user_model = get_user_model()
    staff_user = user_model._base_manager.filter(username="making").first()
    instructor = user_model._base_manager.filter(username="instructor").first()
    manager = user_model._base_manager.filter(username="incubator").first()
    citizen = user_model._base_manager.filter(username="citizen").first()
    with transaction.atomic():
        say("3D프린팅 데모: 장비와 소재…")
        rooms = [
            Room.objects.get_or_create(name=n, defaults={"kind": k, "floor": f, "area_m2": a})[0]
            for n, k, f, a in ROOMS
        ]
        materials = {}
        for code, name, kind, colour, density, price, stock, reorder in MATERIALS:
            material = Material.objects.create(
                code=code,
                name=name,
                kind=kind,
                colour=colour,
                density_g_cm3=density,
                price_per_kg_krw=price,
                stock_g=stock,
                reorder_level_g=reorder,
            )
            StockMovement.objects.create(
                material=material,
                at=now - dt.timedelta(days=40),
                delta_g=stock,
                balance_g=stock,
                reason=StockReason.PURCHASE,
                note="초기 재고",
                by=staff_user,
            )
            materials[code] = material
        machines = []
        for code, name, kind, room, volume, nozzle, rate, accepted, loaded, status in MACHINES:
            x, y, z = volume or (None, None, None)
            machine = Machine.objects.create(
                code=code,
                name=name,
                kind=kind,
                room=rooms[room],
                build_x_mm=x,
                build_y_mm=y,
                build_z_mm=z or None,
                nozzle_mm=nozzle,
                hourly_rate_krw=rate,
                status=status,
                loaded_material=materials.get(loaded or ""),
                is_bookable=kind not in (MachineKind.SLS,),
                maker="데모 장비 (실제 모델 아님)",
            )
            machine.accepted_materials.set([materials[c] for c in accepted])
            machines.append(machine)
            MachineLogEntry.objects.create(
                machine=machine,
                at=now - dt.timedelta(days=30),
                kind=MachineLogKind.MAINTENANCE,
                text="정기 점검: 베드 수평, 벨트 장력 확인",
                by=staff_user,
            )
        MachineLogEntry.objects.create(
            machine=machines[6],
            at=now - dt.timedelta(days=3),
            kind=MachineLogKind.FAULT,
            text="UV 광원 출력 저하, 부품 주문",
            cost_krw=0,
            by=staff_user,
        )
        MachineLogEntry.objects.create(
            machine=machines[3],
            at=now - dt.timedelta(days=1),
            kind=MachineLogKind.REPAIR,
            text="핫엔드 교체 중",
            cost_krw=45_000,
            by=staff_user,
        )

        say("3D프린팅 데모: 교육 과정과 수료증…")
        people = _people(rng, 120, all_dongs)
        schools = list(
            Organisation.objects.filter(dong__city=city, kind=OrganisationKind.SCHOOL)[:6]
        )
        courses = {}
        for code, title, audience, hours, fee, unlocks, summary in COURSES:
            courses[code] = Course.objects.create(
                code=code,
                title=title,
                audience=audience,
                hours=hours,
                fee_krw=fee,
                unlocks=unlocks,
                summary=summary,
            )
        sessions_made = certificates_made = 0
        certified: dict[str, list[Any]] = {}
        for c_index, course in enumerate(courses.values()):
            for week in (-8, -5, -2, 2, 5):
                day = today + dt.timedelta(weeks=week, days=(c_index % 5))
                start = dt.datetime.combine(day, dt.time(10 + 4 * (c_index % 2)), tzinfo=SEOUL)
                capacity = 20 if course.audience == Audience.PUPIL else 12
                session = CourseSession.objects.create(
                    course=course,
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=min(course.hours, 4)),
                    room=rooms[2 + (c_index % 2)],
                    instructor=instructor,
                    capacity=capacity,
                    school=schools[c_index % len(schools)]
                    if schools and course.audience == Audience.PUPIL
                    else None,
                )
                sessions_made += 1
                size = int(rng.integers(capacity - 4, capacity + 4))
                chosen = rng.choice(len(people), size=size, replace=False)
                past = start < now
                for rank, idx in enumerate(chosen):
                    p = people[int(idx)]
                    status = (
                        EnrolmentStatus.ENROLLED if rank < capacity else EnrolmentStatus.WAITING
                    )
                    attended = bool(rng.random() < 0.88) if past and status == "enrolled" else None
                    enrolment = Enrolment.objects.create(
                        session=session,
                        user=p["user"],
                        name=p["name"],
                        dong=p["dong"],
                        birth_year=p["birth_year"],
                        status=status,
                        attended=attended,
                        marked_at=start if attended is not None else None,
                        created_at=start - dt.timedelta(days=int(rng.integers(3, 20))),
                    )
                    if (
                        attended
                        and not Certificate.objects.filter(user=p["user"], course=course).exists()
                    ):
                        Certificate.objects.create(
                            enrolment=enrolment,
                            user=p["user"],
                            course=course,
                            code=new_certificate_code(),
                            holder_name=p["name"],
                            issued_at=start + dt.timedelta(hours=4),
                        )
                        certificates_made += 1
                        if course.unlocks:
                            certified.setdefault(course.unlocks, []).append(p)
        if citizen is not None:
            fdm = courses["G-101"]
            first = fdm.sessions.order_by("starts_at").first()
            assert first is not None
            enrolment = Enrolment.objects.create(
                session=first,
                user=citizen,
                name=citizen.get_full_name() or "시민",
                status=EnrolmentStatus.ENROLLED,
                attended=True,
                marked_at=first.starts_at,
                created_at=first.starts_at - dt.timedelta(days=5),
            )
            Certificate.objects.create(
                enrolment=enrolment,
                user=citizen,
                course=fdm,
                code=new_certificate_code(),
                holder_name=enrolment.name,
                issued_at=first.ends_at,
            )

        say("3D프린팅 데모: 한 달 예약…")
        reservations = 0
        bookable = [
            m
            for m in machines
            if m.is_bookable and m.status == MachineStatus.AVAILABLE and certified.get(m.kind)
        ]
        for machine in bookable:
            users = certified[machine.kind]
            for offset in range(-14, 15):
                day = today + dt.timedelta(days=offset)
                if day.weekday() == 6:
                    continue
                hour = 9
                while hour < 20:
                    if rng.random() < 0.45:
                        length = int(rng.integers(1, 4))
                        start = dt.datetime.combine(day, dt.time(hour), tzinfo=SEOUL)
                        p = users[int(rng.integers(len(users)))]
                        end = start + dt.timedelta(hours=length)
                        if end <= now:
                            status = (
                                ReservationStatus.NO_SHOW
                                if rng.random() < 0.06
                                else ReservationStatus.ATTENDED
                            )
                        else:
                            status = ReservationStatus.BOOKED
                        Reservation.objects.create(
                            machine=machine,
                            user=p["user"],
                            starts_at=start,
                            ends_at=end,
                            status=status,
                            created_at=start - dt.timedelta(days=3),
                            dong=p["dong"],
                            birth_year=p["birth_year"],
                            audience=Audience.PUBLIC,
                            purpose="개인 프로젝트",
                        )
                        reservations += 1
                        hour += length
                    else:
                        hour += 1
        # One maintenance window next week on the first printer.
        window_day = today + dt.timedelta(days=7 - today.weekday() + 2)
        w_start = dt.datetime.combine(window_day, dt.time(8), tzinfo=SEOUL)
        Reservation.objects.filter(
            machine=machines[0],
            starts_at__lt=w_start + dt.timedelta(hours=1),
            ends_at__gt=w_start,
        ).update(status=ReservationStatus.CANCELLED, cancelled_at=now)
        Reservation.objects.create(
            machine=machines[0],
            kind=ReservationKind.MAINTENANCE,
            user=staff_user,
            starts_at=w_start,
            ends_at=w_start + dt.timedelta(hours=1),
            created_at=now,
            purpose="노즐 교체",
        )

        say("3D프린팅 데모: 창업보육…")
        for i, (name, field, dong_name) in enumerate(STARTUPS):
            org = _organisation(name, OrganisationKind.FIRM, dong_by_name.get(dong_name))
            tenant = Tenant.objects.create(
                organisation=org,
                field=field,
                room=rooms[4 + i],
                term_starts_on=today - dt.timedelta(days=200 + 60 * i),
                term_ends_on=today + dt.timedelta(days=530 - 60 * i),
                manager=manager,
            )
            for j in range(2):
                p = people[(7 * i + j) % len(people)]
                # The `citizen` demo login founded the second startup: a founder's own page.
                founder_user = citizen if (i == 1 and j == 0 and citizen) else p["user"]
                Founder.objects.create(
                    tenant=tenant,
                    name=(founder_user.get_full_name() or p["name"])
                    if founder_user is citizen
                    else p["name"],
                    title="대표" if j == 0 else "이사",
                    user=founder_user,
                )
            for k, title in enumerate(["시제품 완성", "첫 판매", "투자 유치 IR"]):
                due = today + dt.timedelta(days=-40 + 45 * k + 10 * i)
                done = due < today and (i + k) % 3
                Milestone.objects.create(
                    tenant=tenant,
                    title=title,
                    due_on=due,
                    done_on=due - dt.timedelta(days=3) if done else None,
                    progress_pct=100 if done else [70, 40, 10][k],
                )
            for k in range(3):
                MentoringSession.objects.create(
                    tenant=tenant,
                    at=now - dt.timedelta(days=20 * k + i),
                    mentor=["전북테크노파크 창업 멘토", "변리사 (특허)", "탄소 소재 연구원"][k],
                    topic=["사업계획서 점검", "특허 출원 전략", "소재 선택과 시험"][k],
                )
            MentoringSession.objects.create(
                tenant=tenant,
                at=now + dt.timedelta(days=7 + i, hours=2),
                mentor="창업보육 매니저",
                topic="분기 점검과 다음 목표",
            )
            balance = 40 * 60
            CreditEntry.objects.create(
                tenant=tenant,
                at=now - dt.timedelta(days=60),
                minutes=balance,
                balance_minutes=balance,
                reason=CreditReason.GRANT,
            )
            for k in range(int(rng.integers(2, 6))):
                used = int(rng.integers(1, 4)) * 60
                balance -= used
                CreditEntry.objects.create(
                    tenant=tenant,
                    at=now - dt.timedelta(days=50 - 8 * k),
                    minutes=-used,
                    balance_minutes=balance,
                    reason=CreditReason.RESERVATION,
                )

        say("3D프린팅 데모: 클러스터…")
        members = []
        for name, kind, role, sector, dong_name, summary, website, uncertain in CLUSTER:
            org = _organisation(name, kind, dong_by_name.get(dong_name))
            members.append(
                ClusterMember.objects.get_or_create(
                    organisation=org,
                    defaults={
                        "role": role,
                        "sector": sector,
                        "summary": summary,
                        "website": website,
                        "is_uncertain": uncertain,
                    },
                )[0]
            )
        for tenant in Tenant.objects.select_related("organisation"):
            members.append(
                ClusterMember.objects.get_or_create(
                    organisation=tenant.organisation,
                    defaults={
                        "role": ClusterRole.FIRM,
                        "sector": ClusterSector.PRINTING,
                        "summary": f"창업보육센터 입주 기업: {tenant.field}",
                    },
                )[0]
            )
        car = RndProject.objects.create(
            title="탄소섬유 복합소재 3D프린팅 자동차 차체",
            lead=members[0],
            funder="(확인 필요)",
            funding_krw=0,
            starts_on=dt.date(2017, 1, 1),
            ends_on=dt.date(2018, 12, 31),
            outputs="2018년 탄소섬유 복합소재 차체 출력 (세부 수치 확인 필요)",
        )
        car.partners.set(members[1:3])
        lab = RndProject.objects.create(
            title="연속 탄소섬유 출력 부품의 강도 시험 (데모)",
            lead=members[2],
            funder="데모 자료",
            funding_krw=180_000_000,
            starts_on=today - dt.timedelta(days=300),
            ends_on=today + dt.timedelta(days=400),
            outputs="시험편 120개, 논문 1편 (데모)",
        )
        lab.partners.set([members[0], members[7]])
        startups = members[len(CLUSTER) :]
        drone = RndProject.objects.create(
            title="경량 탄소 복합재 드론 프레임 적층 제조 (데모)",
            lead=members[0],
            funder="데모 자료",
            funding_krw=95_000_000,
            starts_on=today - dt.timedelta(days=120),
            ends_on=today + dt.timedelta(days=245),
            outputs="프레임 시제품 3종, 비행 시험 보고서 (데모)",
        )
        drone.partners.set([startups[3], members[2], members[4]] if len(startups) > 3 else [])
        aid = RndProject.objects.create(
            title="TPU·탄소 복합 맞춤형 재활 보조기구 (데모)",
            lead=members[4],
            funder="데모 자료",
            funding_krw=60_000_000,
            starts_on=today + dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=395),
            outputs="",
        )
        aid.partners.set([startups[1], members[3]] if len(startups) > 1 else [])

        say("3D프린팅 데모: 행사와 갤러리…")
        events_made = 0
        for title, kind, days, capacity in [
            ("3D프린팅 센터 오픈 데이", EventKind.OPEN_DAY, -45, 150),
            ("전주 메이커 페어", EventKind.MAKER_FAIR, -20, 300),
            ("초등학교 방문 체험", EventKind.SCHOOL_VISIT, -10, 40),
            ("가족 체험 워크숍: 우리 집 열쇠고리", EventKind.WORKSHOP, 9, 30),
            ("탄소 소재 메이커 데이", EventKind.MAKER_FAIR, 24, 200),
        ]:
            start = dt.datetime.combine(today + dt.timedelta(days=days), dt.time(10), tzinfo=SEOUL)
            event = Event.objects.create(
                title=title,
                kind=kind,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=6),
                place="3D프린팅 센터" if kind != EventKind.SCHOOL_VISIT else "학교",
                capacity=capacity,
                summary="누구나 참여할 수 있는 행사입니다.",
            )
            events_made += 1
            size = min(len(people), int(capacity * (0.8 if days < 0 else 0.3)))
            rows = []
            for rank, idx in enumerate(rng.choice(len(people), size=size, replace=False)):
                p = people[int(idx)]
                rows.append(
                    EventRegistration(
                        event=event,
                        user=p["user"],
                        name=p["name"],
                        dong=p["dong"],
                        birth_year=p["birth_year"],
                        audience=Audience.PUPIL if p["birth_year"] >= 2008 else Audience.PUBLIC,
                        status=RegistrationStatus.REGISTERED if rank < capacity else "waiting",
                        attended=(rng.random() < 0.9) if days < 0 else None,
                        created_at=start - dt.timedelta(days=5),
                    )
                )
            EventRegistration.objects.bulk_create(rows)
        for title, maker, desc, licence, machine in [
            (
                "탄소섬유 자전거 물통 거치대",
                "카본웍스",
                "연속 탄소섬유로 보강한 가벼운 거치대.",
                Licence.CC_BY,
                machines[9],
            ),
            (
                "손 떨림 숟가락 손잡이",
                "메디프린트랩",
                "TPU로 만든 두꺼운 손잡이.",
                Licence.CC_BY_SA,
                machines[0],
            ),
            (
                "한지 조명 갓",
                "한지소재연구소",
                "레이저 커터로 자른 한지와 PLA 뼈대.",
                Licence.CC_BY_NC,
                machines[10],
            ),
            (
                "학교 축제 기념 배지",
                "전주 중학생 메이커 교실",
                "학생들이 설계한 배지.",
                Licence.CC0,
                machines[1],
            ),
            (
                "전동 휠체어 컵 홀더",
                "시민 메이커",
                "휠체어 팔걸이에 끼우는 컵 홀더.",
                Licence.CC_BY,
                machines[2],
            ),
            (
                "대형 전주 한옥마을 모형",
                "센터 직원",
                "대형 프린터로 출력한 1:200 모형.",
                Licence.ALL_RIGHTS,
                machines[4],
            ),
        ]:
            GalleryProject.objects.create(
                title=title,
                maker_name=maker,
                description=desc,
                licence=licence,
                machine=machine,
                made_on=today - dt.timedelta(days=int(rng.integers(5, 200))),
            )
        if (
            manager is not None
            and not RoleAssignment.objects.filter(
                user=manager, role=Role.INCUBATOR_MANAGER
            ).exists()
        ):
            RoleAssignment.objects.create(user=manager, role=Role.INCUBATOR_MANAGER, city=city)
    return {
        "machines": len(machines),
        "materials": len(materials),
        "sessions": sessions_made,
        "certificates": certificates_made,
        "reservations": reservations,
        "events": events_made,
    }
