"""The city as data, the people in it, who may see what, and the audit of who saw what."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from saram.core.engine.identity import mask_name, mask_rrn_from
from saram.core.errors import SaramError


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """A choice's label by an enum look-up: Django's generic `get_FOO_display` hashes every
    (lazily translated) label of the field on each call, which lists of rows pay per row."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class Named:
    """Areas carry a Korean and an English name; pages show the one of the current language."""

    name: str
    name_en: str

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "ko").startswith("en") else self.name


class CityKind(models.TextChoices):
    SI = "si", _("시")
    GUN = "gun", _("군")


class City(Named, models.Model):
    kind = models.CharField(_("시·군"), max_length=3, choices=CityKind.choices, default=CityKind.SI)
    code = models.CharField(_("행정기관코드"), max_length=10, unique=True)
    name = models.CharField(_("이름"), max_length=50)
    name_en = models.CharField(_("영문 이름"), max_length=80)
    province = models.CharField(_("시·도"), max_length=50)
    province_en = models.CharField(_("시·도 (영문)"), max_length=80)
    attribution = models.TextField(_("경계 자료 출처"), blank=True)

    class Meta:
        verbose_name = _("시·군")
        verbose_name_plural = _("시·군")

    def __str__(self) -> str:
        return self.name


class Gu(Named, models.Model):
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="gus")
    code = models.CharField(_("행정기관코드"), max_length=10, unique=True)
    name = models.CharField(_("이름"), max_length=50)
    name_en = models.CharField(_("영문 이름"), max_length=80)

    class Meta:
        verbose_name = _("구")
        verbose_name_plural = _("구")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class AreaKind(models.TextChoices):
    """The lowest tier of a city (`saram.core.engine.boundaries.AreaKind`, shown in Korean)."""

    EUP = "eup", _("읍")
    MYEON = "myeon", _("면")
    DONG = "dong", _("동")


class Dong(Named, models.Model):
    """An administrative 읍·면·동 (행정동 in the code's names), known by its 10-digit code.

    It belongs to its city always and to a 구 only where the city has them.
    """

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="dongs")
    gu = models.ForeignKey(
        Gu, on_delete=models.PROTECT, related_name="dongs", null=True, blank=True
    )
    kind = models.CharField(
        _("읍·면·동"), max_length=5, choices=AreaKind.choices, default=AreaKind.DONG
    )
    code = models.CharField(_("행정기관코드"), max_length=10, unique=True)
    former_code = models.CharField(_("이전 행정기관코드"), max_length=10, blank=True)
    stat_code = models.CharField(_("통계청 코드"), max_length=10, blank=True)
    name = models.CharField(_("이름"), max_length=50)
    name_en = models.CharField(_("영문 이름"), max_length=80)
    boundary = models.JSONField(_("경계 (GeoJSON)"))
    centroid_lat = models.FloatField()
    centroid_lng = models.FloatField()
    area_km2 = models.FloatField(default=0)

    class Meta:
        verbose_name = _("행정동")
        verbose_name_plural = _("행정동")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def get_kind_display(self) -> str:
        return choice_label(AreaKind, self.kind)

    @property
    def address_area(self) -> str:
        """What an address names between the city and the road: the 구, and a 읍 or 면
        (전주시 완산구 …, 군산시 옥구읍 …); empty for a 동 of a city without 구."""
        parts = [self.gu.name if self.gu_id is not None and self.gu else ""]
        if self.kind != AreaKind.DONG:
            parts.append(self.name)
        return " ".join(p for p in parts if p)

    def covering(self, prefix: str = "") -> Q:
        """Rows whose area (city, gu or dong fields under `prefix`) covers this dong."""
        q = Q(**{f"{prefix}dong": self}) | Q(**{f"{prefix}city_id": self.city_id})
        if self.gu_id is not None:
            q |= Q(**{f"{prefix}gu_id": self.gu_id})
        return q


class OrganisationKind(models.TextChoices):
    RELIGIOUS = "religious", _("종교단체")
    WELFARE_CENTRE = "welfare_centre", _("사회복지관")
    CHILDREN_CENTRE = "children_centre", _("지역아동센터")
    CIVIC = "civic", _("시민단체")
    SELF_HELP = "self_help", _("자조모임")
    SCHOOL = "school", _("학교")
    LIBRARY = "library", _("도서관")
    FARM = "farm", _("농가")
    FIRM = "firm", _("기업")
    SOCIAL_ENTERPRISE = "social_enterprise", _("사회적기업")
    COOPERATIVE = "cooperative", _("협동조합")
    VILLAGE_ENTERPRISE = "village_enterprise", _("마을기업")
    SELF_SUFFICIENCY = "self_sufficiency", _("자활기업")
    PUBLIC = "public", _("공공기관")


class Organisation(models.Model):
    kind = models.CharField(_("유형"), max_length=30, choices=OrganisationKind.choices)
    name = models.CharField(_("이름"), max_length=200)
    dong = models.ForeignKey(
        Dong, on_delete=models.PROTECT, related_name="organisations", null=True, blank=True
    )
    address = models.CharField(_("주소"), max_length=300, blank=True)
    business_number = models.CharField(_("사업자등록번호"), max_length=10, blank=True)
    phone = models.CharField(_("전화"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("기관·단체")
        verbose_name_plural = _("기관·단체")
        ordering = ["name"]
        indexes = [models.Index(fields=["dong", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["business_number"],
                condition=~Q(business_number=""),
                name="organisation_business_number_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_kind_display(self) -> str:
        return choice_label(OrganisationKind, self.kind)


class Household(models.Model):
    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="households")
    address = models.CharField(_("주소"), max_length=300)
    key = models.CharField(_("가구 번호"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("가구")
        verbose_name_plural = _("가구")


class Sex(models.TextChoices):
    FEMALE = "F", _("여")
    MALE = "M", _("남")


class Person(models.Model):
    """A resident. The 주민등록번호 is held only as ciphertext plus a keyed hash for look-up."""

    key = models.CharField(_("주민 번호 (내부)"), max_length=40, unique=True)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", null=True, blank=True
    )
    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="people")
    name = models.CharField(_("이름"), max_length=50)
    birth_date = models.DateField(_("생년월일"))
    sex = models.CharField(_("성별"), max_length=1, choices=Sex.choices)
    rrn_cipher = models.BinaryField(_("주민등록번호 (암호문)"), editable=False)
    rrn_hmac = models.CharField(max_length=64, editable=False, db_index=True)
    address = models.CharField(_("주소"), max_length=300)
    phone = models.CharField(_("전화"), max_length=20, blank=True)
    lives_alone = models.BooleanField(_("1인 가구"), default=False)
    consent = models.BooleanField(_("정보 활용 동의"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("주민")
        verbose_name_plural = _("주민")
        indexes = [
            models.Index(fields=["dong", "name"]),
            models.Index(fields=["name", "birth_date"]),
        ]

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_rrn(self) -> str:
        return mask_rrn_from(self.birth_date, self.sex)


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("시청 관리자")
    WELFARE_OFFICER = "welfare_officer", _("동 복지 담당 공무원")
    WELFARE_SUPERVISOR = "welfare_supervisor", _("맞춤형복지팀장")
    COMMITTEE_MEMBER = "committee_member", _("동 복지위원")
    PROCUREMENT_OFFICER = "procurement_officer", _("계약·구매 담당")
    SOCIAL_ECONOMY_OFFICER = "social_economy_officer", _("사회적경제 담당")
    MAKING_STAFF = "making_staff", _("3D프린팅 센터 직원")
    INSTRUCTOR = "instructor", _("강사")
    INCUBATOR_MANAGER = "incubator_manager", _("창업보육 매니저")
    NUTRITIONIST = "nutritionist", _("급식 영양사")
    CITIZEN = "citizen", _("시민")


class RoleAssignment(models.Model):
    """A role held over exactly one area: the whole city, one gu or one dong."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("역할"), max_length=30, choices=Role.choices)
    city = models.ForeignKey(City, on_delete=models.CASCADE, null=True, blank=True)
    gu = models.ForeignKey(Gu, on_delete=models.CASCADE, null=True, blank=True)
    dong = models.ForeignKey(Dong, on_delete=models.CASCADE, null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("위원이 소속된 기관·단체"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("시민 본인의 주민 기록"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("역할 부여")
        verbose_name_plural = _("역할 부여")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(city__isnull=False, gu__isnull=True, dong__isnull=True)
                    | Q(city__isnull=True, gu__isnull=False, dong__isnull=True)
                    | Q(city__isnull=True, gu__isnull=True, dong__isnull=False)
                ),
                name="role_assignment_exactly_one_area",
            )
        ]

    def __str__(self) -> str:
        area = self.dong or self.gu or self.city
        return f"{self.get_role_display()} @ {area}"


class AuditAction(models.TextChoices):
    VIEW = "view", _("열람")
    LIST = "list", _("목록 열람")
    EXPORT = "export", _("내보내기")
    CREATE = "create", _("등록")
    UPDATE = "update", _("수정")
    DELETE = "delete", _("삭제")
    IMPORT = "import", _("가져오기")
    LOOKUP = "lookup", _("주민등록번호 조회")


class AuditHead(models.Model):
    """One row: the chain's tip. Appending locks it, so the chain never forks."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    # Entries from this sequence on are HMAC-keyed (key epoch 1); earlier ones are plain SHA-256
    # from before keying. Every checkpoint outside the database repeats it.
    keyed_from_seq = models.BigIntegerField(default=1)


class AuditEntry(models.Model):
    """Append-only. `hash` covers every field and the previous entry's hash."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, db_index=True)
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    target_type = models.CharField(max_length=60, db_index=True)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    purpose = models.CharField(max_length=200)
    detail = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("감사 기록")
        verbose_name_plural = _("감사 기록")
        ordering = ["-seq"]

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("audit entries are append-only")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("대기")
    RUNNING = "running", _("진행 중")
    SUCCEEDED = "succeeded", _("완료")
    FAILED = "failed", _("실패")


class Job(models.Model):
    """A long piece of work run by the task worker, with progress a page can show."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=60)
    label = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.BigIntegerField(default=0)
    done = models.BigIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    params = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def title(self) -> str:
        """The label in the reader's language: a Korean msgid (`gettext_noop`) filled with
        `params["label_params"]` (a value given per language, {"ko": ..., "en": ...}, is read
        in the reader's). A label stored as plain text is shown as written."""
        text = gettext(self.label) if self.label else ""
        values = self.params.get("label_params") if isinstance(self.params, dict) else None
        if not values:
            return text
        lang = "en" if (get_language() or "ko").startswith("en") else "ko"
        filled = {
            key: (value.get(lang) or value.get("ko", "")) if isinstance(value, dict) else value
            for key, value in values.items()
        }
        try:
            return text % filled
        except (KeyError, TypeError, ValueError):
            return text

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def error(self) -> SaramError | None:
        """The stored failure as a `SaramError`, rendered in the reader's language; or None."""
        if self.status != JobStatus.FAILED or not self.result.get("code"):
            return None
        return SaramError.from_dict(self.result)

    @property
    def status_message(self) -> str:
        """What the job says now, in the reader's language: its error, or its progress step."""
        error = self.error
        if error is not None:
            return str(error.message)
        return gettext(self.message) if self.message else ""

    @property
    def row_errors(self) -> list[Any]:
        error = self.error
        return error.row_errors if error is not None else []


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored, the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Every token ends: at its expiry, or earlier when its owner (or an administrator) revokes it.
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def is_usable(self, now: Any) -> bool:
        return self.revoked_at is None and self.expires_at > now


class RrnLookup(models.Model):
    """One look-up of 주민등록번호 in the registry by a user (a registration or an import):
    how many numbers, and how many were found registered outside the user's area. Counted to
    limit and flag many look-ups in a short time; each one is also in the audit log."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=20)
    numbers = models.PositiveIntegerField(default=0)
    found_outside = models.PositiveIntegerField(default=0)
    flagged = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["user", "at"])]


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("확인 전")
    TRANSFERRED = "transferred", _("전입 처리함")
    CORRECTED = "corrected", _("잘못 적은 번호로 닫음")


class DuplicateCase(models.Model):
    """A number someone tried to register in their dong that is registered in a dong they may
    not see: the city administrator decides (transfer the record, or close as a mistake). The
    user who tried is told only that the registration could not be made."""

    created_at = models.DateTimeField()
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=20)
    wanted_dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=12, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]


class KeyCheck(models.Model):
    """One row: the key check value of the personal-data key the data was sealed with, so that
    a start with another key stops at once instead of silently missing every look-up."""

    value = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(auto_now_add=True)
