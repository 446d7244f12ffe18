"""동네복지: risk signals and their configuration, outreach rounds, visits, cases, referrals,
the resource directory and the dong welfare committees."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from saram.core.models import City, Dong, Job, Organisation, Person
from saram.welfare import notes

USER = settings.AUTH_USER_MODEL


# --- Signals and their configuration -----------------------------------------------------------


class SeverityUnit(models.TextChoices):
    """What a signal's value counts (the engine's `SeverityUnit`, same values)."""

    MONTHS = "months", _("개월")
    KRW = "krw", _("원")
    FLAG = "flag", _("해당 여부")


class SignalKind(models.Model):
    """A kind of risk signal, known by a stable code; its weight lives in versioned config."""

    code = models.CharField(_("코드"), max_length=40, unique=True)
    label_ko = models.CharField(_("이름"), max_length=100)
    label_en = models.CharField(_("영문 이름"), max_length=150)
    unit = models.CharField(_("단위"), max_length=10, choices=SeverityUnit.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("신호 유형")
        verbose_name_plural = _("신호 유형")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "ko").startswith("en") else self.label_ko


class SignalConfig(models.Model):
    """One version of a city's risk configuration; a change makes a new version, never an edit."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="signal_configs")
    version = models.PositiveIntegerField(_("판"))
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("바꾼 때"), auto_now_add=True)
    note = models.CharField(_("바꾼 까닭"), max_length=300, blank=True)
    # [{"kind": code, "field": name, "old": value, "new": value}, ...] against the previous one.
    changes = models.JSONField(default=list, blank=True)
    lives_alone_points = models.FloatField(_("1인 가구 점수"), default=4.0)
    aged_65_plus_points = models.FloatField(_("65세 이상 점수"), default=3.0)
    child_in_household_points = models.FloatField(_("아동 가구 점수"), default=3.0)

    class Meta:
        verbose_name = _("위험 신호 설정")
        verbose_name_plural = _("위험 신호 설정")
        ordering = ["city", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["city", "version"], name="signal_config_version_unique")
        ]

    def __str__(self) -> str:
        return f"v{self.version}"


class SignalWeight(models.Model):
    """How much one signal kind weighs in one configuration version."""

    config = models.ForeignKey(SignalConfig, on_delete=models.CASCADE, related_name="weights")
    kind = models.ForeignKey(SignalKind, on_delete=models.PROTECT, related_name="+")
    weight_points = models.FloatField(_("가중치(점)"))
    cap_value = models.FloatField(_("최대 심각도 기준값"))
    half_life_days = models.FloatField(_("반감기(일)"))
    is_active = models.BooleanField(_("사용"), default=True)

    class Meta:
        ordering = ["kind_id"]
        constraints = [
            models.UniqueConstraint(fields=["config", "kind"], name="signal_weight_unique"),
            models.CheckConstraint(
                condition=Q(weight_points__gte=0) & Q(cap_value__gt=0) & Q(half_life_days__gt=0),
                name="signal_weight_positive",
            ),
        ]


class DongSettings(models.Model):
    """A dong's own outreach settings: the SLA and the size of its lists."""

    dong = models.OneToOneField(Dong, on_delete=models.CASCADE, related_name="welfare_settings")
    sla_days = models.PositiveSmallIntegerField(_("방문 기한(일)"), default=14)
    list_size = models.PositiveIntegerField(_("발굴 목록 인원"), default=50)
    recent_visit_days = models.PositiveSmallIntegerField(_("최근 방문 제외 기간(일)"), default=90)
    team_lead = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )  # 팀장: an unanswered 긴급 climbs to them
    updated_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(sla_days__gte=1) & Q(list_size__gte=1), name="dong_settings_positive"
            )
        ]


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("검사 중")
    REJECTED = "rejected", _("오류 있음")
    IMPORTING = "importing", _("가져오는 중")
    IMPORTED = "imported", _("가져옴")
    FAILED = "failed", _("실패")


class SignalImport(models.Model):
    """One uploaded signal file: its check report and, once accepted, the signals it brought."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    dong = models.ForeignKey(
        Dong, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )  # the officer's dong; empty for a city-wide import
    filename = models.CharField(_("파일"), max_length=200)
    uploaded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("올린 때"), auto_now_add=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices)
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    row_count = models.PositiveIntegerField(default=0)
    valid_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    review_count = models.PositiveIntegerField(default=0)
    imported_count = models.PositiveIntegerField(default=0)
    # Rows of residents of another dong of the city: stored for them, in their dong's lists.
    routed_count = models.PositiveIntegerField(default=0)
    only_valid_rows = models.BooleanField(default=False)
    errors = models.JSONField(default=list, blank=True)  # the first ERROR_PREVIEW row errors
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.filename


class Signal(models.Model):
    """One observation: a person, a signal kind, the day it was true and its value.

    The table takes millions of rows at a time (COPY), so its references are not checked row
    by row by the database: the importer writes only ids it has just read in the same import,
    and deletions cascade through Django (as the demo's resident replacement does).
    """

    batch = models.ForeignKey(
        SignalImport,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        db_index=False,
        db_constraint=False,
        related_name="welfare_signals",
    )
    kind = models.ForeignKey(
        SignalKind,
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
        related_name="+",
    )
    observed_on = models.DateField(_("기준일"))
    # Months in arrears, an amount in KRW, or 1 for a flag, as the kind's unit says.
    value = models.BigIntegerField(_("값"))
    source = models.CharField(_("출처"), max_length=60, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "observed_on"], name="signal_person_day")]
        constraints = [
            # The same fact sent twice (two files, a file sent again) is one signal: a
            # duplicate would count twice in the learned model's features.
            models.UniqueConstraint(
                fields=["person", "kind", "observed_on"], name="signal_person_kind_day_unique"
            )
        ]


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("확인 대기")
    MATCHED = "matched", _("연결함")
    DISMISSED = "dismissed", _("버림")


class MatchReview(models.Model):
    """A signal row whose person is uncertain: an officer picks the resident or dismisses it."""

    batch = models.ForeignKey(SignalImport, on_delete=models.CASCADE, related_name="reviews")
    dong = models.ForeignKey(Dong, on_delete=models.CASCADE, related_name="+")
    row_number = models.PositiveIntegerField(_("행"))
    name = models.CharField(_("이름"), max_length=50)
    birth_date = models.DateField(_("생년월일"), null=True, blank=True)
    address = models.CharField(_("주소"), max_length=300, blank=True)
    kind = models.ForeignKey(SignalKind, on_delete=models.PROTECT, related_name="+")
    observed_on = models.DateField()
    value = models.BigIntegerField()
    source = models.CharField(max_length=60, blank=True)
    candidates = models.JSONField(default=list)  # person ids
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="welfare_reviews"
    )
    resolved_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch_id", "row_number"]
        indexes = [models.Index(fields=["dong", "status"])]


# --- Outreach rounds ---------------------------------------------------------------------------


class ModelKind(models.TextChoices):
    POINTS = "points", _("점수 모형")
    LEARNED = "learned", _("학습 모형")


class RoundStatus(models.TextChoices):
    SCORING = "scoring", _("점수 계산 중")
    DRAFT = "draft", _("목록 확인")
    OPEN = "open", _("방문 중")
    CLOSED = "closed", _("마감됨")
    FAILED = "failed", _("실패")


class LearnedModel(models.Model):
    """A learned model fitted on the city's past rounds, stored with everything that scores a
    round again exactly (coefficients, intercept, calibration, the configuration's signal
    types), its training window and held-out window, how both models did on the held-out
    rounds, and who the learned list would add and drop. Choosable only when `is_better`."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    config = models.ForeignKey(SignalConfig, on_delete=models.PROTECT, related_name="+")
    signal_codes = models.JSONField(default=list)  # the order of signal_coefficients
    signal_coefficients = models.JSONField(default=list)
    household_coefficients = models.JSONField(default=list)  # lives alone, 65+, child
    intercept = models.FloatField()
    calibration_slope = models.FloatField()
    calibration_offset = models.FloatField()
    trained_from = models.DateField(_("학습 시작 회차"))
    trained_to = models.DateField(_("학습 마지막 회차"))
    held_out_from = models.DateField(_("평가 시작 회차"))
    held_out_to = models.DateField(_("평가 마지막 회차"))
    trained_rounds = models.PositiveIntegerField(default=0)
    held_out_rounds = models.PositiveIntegerField(default=0)
    trained_rows = models.PositiveIntegerField(default=0)
    confirmed_share = models.FloatField(default=0.0)
    k = models.PositiveIntegerField()
    # {"learned": {"listed", "found", "confirmed"}, "points": {...}} on the held-out rounds
    metrics = models.JSONField(default=dict)
    # {"adds", "drops", "adds_confirmed", "drops_confirmed", "add_reasons", "drop_reasons"}
    changes = models.JSONField(default=dict)
    is_better = models.BooleanField(default=False)
    fitted_at = models.DateTimeField()
    fitted_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    chosen_at = models.DateTimeField(null=True, blank=True)
    chosen_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-fitted_at", "-id"]
        constraints = [
            # At most one learned model in use per city.
            models.UniqueConstraint(
                fields=["city"],
                condition=Q(chosen_at__isnull=False, retired_at__isnull=True),
                name="learned_model_one_in_use",
            ),
            # Only a model that beat the points model on held-out rounds may be put in use.
            models.CheckConstraint(
                condition=Q(chosen_at__isnull=True) | Q(is_better=True),
                name="learned_model_chosen_only_if_better",
            ),
        ]

    @property
    def is_in_use(self) -> bool:
        return self.chosen_at is not None and self.retired_at is None


class Round(models.Model):
    """One outreach round of a dong: a scored list, then assignments with a due date."""

    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="welfare_rounds")
    number = models.PositiveIntegerField(_("회차"))
    config = models.ForeignKey(SignalConfig, on_delete=models.PROTECT, related_name="rounds")
    model_kind = models.CharField(
        _("모형"), max_length=10, choices=ModelKind.choices, default=ModelKind.POINTS
    )
    as_of = models.DateField(_("기준일"))
    list_size = models.PositiveIntegerField(_("목록 인원"))
    status = models.CharField(max_length=10, choices=RoundStatus.choices)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(_("방문 기한"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    scored_count = models.PositiveIntegerField(default=0)  # residents with a current signal
    listed_count = models.PositiveIntegerField(default=0)
    # Flagged people by NotListed status, fixed when the round is scored: the funnel reads
    # these instead of counting a million flag rows on every page.
    flag_counts = models.JSONField(default=dict, blank=True)
    model_summary = models.JSONField(default=dict, blank=True)
    # The stored learned model that scored this round (none for the points model).
    learned_model = models.ForeignKey(
        LearnedModel, on_delete=models.PROTECT, null=True, blank=True, related_name="rounds"
    )
    message = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["dong", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["dong", "number"], name="round_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dong} #{self.number}"


class OutreachEntry(models.Model):
    """One line of a round's stored, ranked list: the person, the score and its reasons."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="entries")
    rank = models.PositiveIntegerField()
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="welfare_outreach_entries"
    )
    score = models.FloatField()
    # [{"code", "signal", "value", "day", "part"}]: the engine's reasons, largest first.
    reasons = models.JSONField(default=list)

    class Meta:
        ordering = ["round", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["round", "rank"], name="entry_rank_unique"),
            models.UniqueConstraint(fields=["round", "person"], name="entry_person_unique"),
        ]


class AssignmentStatus(models.TextChoices):
    OPEN = "open", _("방문 전")
    DONE = "done", _("완료")
    RETURNED = "returned", _("반려")
    # Refused, moved or died: the visit is over, but nobody was helped, so it is not done.
    ENDED = "ended", _("종료(만나지 못함)")


class NotListed(models.TextChoices):
    """Why a flagged person of a round is not on its list (or that they are)."""

    LISTED = "listed", _("목록에 오름")
    BELOW_CUTOFF = "below_cutoff", _("목록 인원 밖(점수 순위)")
    OPEN_CASE = "open_case", _("이미 사례관리 중")
    RECENT_VISIT = "recent_visit", _("최근에 방문함")
    WAITING = "waiting", _("다른 방문을 기다리는 중")
    DECEASED = "deceased", _("사망 기록됨")


class FlaggedPerson(models.Model):
    """Everyone a round's scoring flagged (a current signal and a positive score), listed or
    not, with the reason they are not on the list: nobody flagged is lost from sight."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="flagged")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )
    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, db_constraint=False, related_name="+")
    score = models.FloatField()
    risk_pct = models.FloatField(default=0.0)  # 0–100, the round's common scale
    status = models.CharField(max_length=14, choices=NotListed.choices)
    is_urgent = models.BooleanField(default=False)
    due_days = models.PositiveSmallIntegerField(default=14)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="flagged_round_person_unique")
        ]
        # The funnel counts each round's flags by status from this index alone.
        indexes = [models.Index(fields=["round", "status"], name="flagged_round_status")]


class DueRule(models.Model):
    """How soon a listed person must be visited: the first active rule that matches gives the
    days (e.g. 3 days for a utility cut-off of someone living alone over 75). City policy as
    data, with its source."""

    class Layer(models.TextChoices):
        LAW = "law", _("법령")
        CITY = "city", _("시 정책")

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="welfare_due_rules")
    name = models.CharField(_("이름"), max_length=100)
    order = models.PositiveSmallIntegerField(_("순서"), default=1)
    signal_codes = models.JSONField(_("신호(하나라도)"), default=list, blank=True)
    min_age = models.PositiveSmallIntegerField(_("최소 나이"), null=True, blank=True)
    lives_alone = models.BooleanField(_("1인 가구만"), default=False)
    min_risk_pct = models.FloatField(_("최소 위험도(0–100)"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("방문 기한(일)"))
    is_high_risk = models.BooleanField(_("고위험으로 봄"), default=True)
    source = models.CharField(_("근거"), max_length=200)
    layer = models.CharField(_("구분"), max_length=4, choices=Layer.choices, default=Layer.CITY)
    is_active = models.BooleanField(_("사용"), default=True)

    class Meta:
        ordering = ["city", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1), name="due_rule_days_positive")
        ]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """A listed person given to an officer or committee member to visit by `due_on`."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments")
    entry = models.OneToOneField(
        OutreachEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="assignment"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="welfare_assignments")
    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="welfare_assignments")
    assigned_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField()
    purpose = models.CharField(_("방문 목적"), max_length=200)
    due_on = models.DateField(_("방문 기한"))
    status = models.CharField(
        max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.OPEN
    )
    reached_at = models.DateTimeField(null=True, blank=True)  # met or spoke with the person
    reached_on = models.DateField(null=True, blank=True)  # reached_at's day in Seoul: vs due_on
    resolved_at = models.DateTimeField(null=True, blank=True)  # any outcome but not at home
    outcome = models.CharField(max_length=10, blank=True)
    need_confirmed = models.BooleanField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.CharField(max_length=200, blank=True)
    # A committee member without a login: the assignee (an officer) records the visit for them.
    member = models.ForeignKey(
        "CommitteeMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
    )
    is_urgent = models.BooleanField(_("긴급"), default=False)
    is_high_risk = models.BooleanField(_("고위험"), default=False)
    # A second attempt (after a refusal by a high-risk person) points at the first.
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A move: the transfer to the new dong, or a note of it until one can be opened; a code
    # of `welfare.notes` with its parameters, rendered in the reader's language.
    transfer_note = models.CharField(max_length=200, blank=True)
    transfer_params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["dong", "status", "due_on"]),
        ]

    @property
    def transfer_text(self) -> str:
        return notes.render(self.transfer_note, self.transfer_params)

    @property
    def returned_text(self) -> str:
        """Why it was returned: a person's words, or Saram's (a note code) in the reader's
        language."""
        return notes.render(self.returned_reason)


class MemberConflict(models.Model):
    """A person a committee member must never be given (a relative, a neighbour they know)."""

    member = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "person"], name="member_conflict_unique")
        ]


# --- Visits, cases and referrals ---------------------------------------------------------------


class VisitOutcome(models.TextChoices):
    MET = "met", _("만남")
    NOT_HOME = "not_home", _("부재")
    REFUSED = "refused", _("거부")
    MOVED = "moved", _("이사")
    DECEASED = "deceased", _("사망")


class NeedCategory(models.TextChoices):
    INCOME = "income", _("소득")
    HOUSING = "housing", _("주거")
    HEALTH = "health", _("건강")
    CARE = "care", _("돌봄")
    FOOD = "food", _("식생활")
    EMPLOYMENT = "employment", _("일자리")
    LONELINESS = "loneliness", _("고립·외로움")
    SAFETY = "safety", _("안전")


class Visit(models.Model):
    """A visit to a person: who went, when, what happened and which needs were found."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="welfare_visits")
    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, null=True, blank=True, related_name="visits"
    )
    case = models.ForeignKey(
        "Case", on_delete=models.CASCADE, null=True, blank=True, related_name="visits"
    )
    visitor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    visited_at = models.DateTimeField(_("방문 일시"))
    outcome = models.CharField(_("결과"), max_length=10, choices=VisitOutcome.choices)
    needs = models.JSONField(_("확인한 욕구"), default=list, blank=True)
    note = models.TextField(_("방문 메모"), blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Set by a phone that recorded the visit offline: a resend of the same visit is stored once.
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-visited_at"]
        indexes = [models.Index(fields=["person", "visited_at"])]


class Programme(models.TextChoices):
    INTEGRATED = "integrated", _("통합사례관리")
    SIMPLE = "simple", _("단순 서비스 연계")
    EMERGENCY = "emergency", _("긴급 지원")


class ClosureReason(models.TextChoices):
    RESOLVED = "resolved", _("욕구 해결")
    CONNECTED = "connected", _("서비스 연계 완료")
    REFUSED = "refused", _("본인 거부")
    MOVED = "moved", _("전출")
    DECEASED = "deceased", _("사망")
    UNREACHABLE = "unreachable", _("연락 두절")
    OTHER = "other", _("기타")


class CaseStage(models.TextChoices):
    """The steps of Korean case management (통합사례관리), in order."""

    INTAKE = "intake", _("초기상담")
    ASSESSMENT = "assessment", _("욕구 사정")
    CONFERENCE = "conference", _("사례회의")
    PLANNING = "planning", _("서비스 계획")
    SERVICES = "services", _("서비스 제공")
    MONITORING = "monitoring", _("점검")
    CLOSED = "closed", _("종결")


class Case(models.Model):
    """Help for one person in one programme, from opening to closure; at most one open."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="welfare_cases")
    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="+")
    programme = models.CharField(_("사업"), max_length=12, choices=Programme.choices)
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("시작"))
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    workers = models.ManyToManyField(USER, related_name="welfare_cases", blank=True)
    next_follow_up_on = models.DateField(_("다음 확인일"), null=True, blank=True)
    closed_at = models.DateTimeField(_("종결"), null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closure_reason = models.CharField(
        _("종결 사유"), max_length=12, choices=ClosureReason.choices, blank=True
    )
    closure_note = models.CharField(_("종결 메모"), max_length=300, blank=True)
    stage = models.CharField(
        _("단계"), max_length=12, choices=CaseStage.choices, default=CaseStage.INTAKE
    )
    intake_note = models.TextField(_("초기상담 내용"), blank=True)
    assessed_at = models.DateTimeField(_("욕구 사정"), null=True, blank=True)
    assessment_note = models.TextField(_("사정 의견"), blank=True)
    plan_approved_at = models.DateTimeField(_("계획 결재"), null=True, blank=True)
    plan_approved_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["dong", "closed_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "programme"],
                condition=Q(closed_at__isnull=True),
                name="one_open_case_per_person_and_programme",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(closure_reason=""),
                name="closed_case_has_reason",
            ),
        ]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CaseNeed(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="needs")
    category = models.CharField(_("분야"), max_length=12, choices=NeedCategory.choices)
    detail = models.CharField(_("내용"), max_length=300, blank=True)
    is_met = models.BooleanField(_("해결"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class PlanAction(models.Model):
    """One step of a case plan: what, who owns it and by when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    need = models.ForeignKey(
        CaseNeed, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    action = models.CharField(_("할 일"), max_length=300)
    owner = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner_name = models.CharField(_("담당"), max_length=100, blank=True)
    due_on = models.DateField(_("기한"))
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]


class CaseNote(models.Model):
    """A case note: sensitive, shown only to the case's workers."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    written_at = models.DateTimeField()
    text = models.TextField(_("기록"))

    class Meta:
        ordering = ["-written_at", "-id"]


class ResourceKind(models.TextChoices):
    PUBLIC = "public", _("공공 제도")
    LOCAL = "local", _("지역 서비스")


class Resource(models.Model):
    """A service people can be referred to: a public programme or a local organisation's offer."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("이름"), max_length=200)
    kind = models.CharField(_("구분"), max_length=10, choices=ResourceKind.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    provider = models.CharField(_("제공 기관"), max_length=200)
    dong = models.ForeignKey(
        Dong, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )  # empty: city-wide
    needs = models.JSONField(_("돕는 욕구"), default=list)
    description = models.CharField(_("내용"), max_length=500, blank=True)
    eligibility = models.CharField(_("자격"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("동시 수용 인원"), null=True, blank=True)
    contact = models.CharField(_("연락처"), max_length=100, blank=True)
    is_active = models.BooleanField(_("운영 중"), default=True)

    class Meta:
        verbose_name = _("자원")
        verbose_name_plural = _("자원")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("의뢰함")
    ACCEPTED = "accepted", _("접수됨")
    SERVED = "served", _("서비스 제공")
    DECLINED = "declined", _("거절됨")
    # Closed by us, not answered by the provider: the person died (the reason says so).
    WITHDRAWN = "withdrawn", _("의뢰 철회")


class DeclineReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", _("자격 미달")
    NO_CAPACITY = "no_capacity", _("정원 초과")
    PERSON_DECLINED = "person_declined", _("본인이 원하지 않음")
    UNREACHABLE = "unreachable", _("연락 안 됨")
    DIED = "died", _("사망")
    OTHER = "other", _("기타")


class Referral(models.Model):
    """A case's request to a resource, followed until served or declined (closed loop)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    need = models.ForeignKey(
        CaseNeed, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="referrals")
    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ReferralStatus.choices)
    note = models.CharField(_("의뢰 내용"), max_length=300, blank=True)
    sent_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    served_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(
        _("거절 사유"), max_length=16, choices=DeclineReason.choices, blank=True
    )
    answered_on = models.DateField(_("회신일"), null=True, blank=True)  # the day the answer came
    consent = models.ForeignKey(
        "Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )  # the 제3자 제공 동의 the referral relied on; empty when the law allowed it without

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["dong", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="declined_referral_has_reason",
            )
        ]

    @property
    def is_closed(self) -> bool:
        return self.status in (
            ReferralStatus.SERVED,
            ReferralStatus.DECLINED,
            ReferralStatus.WITHDRAWN,
        )


class ReferralEvent(models.Model):
    """Every step of a referral, so the loop can be read back."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=10, choices=ReferralStatus.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    @property
    def note_text(self) -> str:
        """The note: a person's words, or Saram's (a note code) in the reader's language."""
        return notes.render(self.note)


class ConcernStatus(models.TextChoices):
    NEW = "new", _("확인 대기")
    MATCHED = "matched", _("주민 연결")
    DISMISSED = "dismissed", _("종료")


class Concern(models.Model):
    """A committee member's worry about a neighbour who is on no list yet."""

    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField()
    name = models.CharField(_("이름"), max_length=50)
    address = models.CharField(_("주소"), max_length=300)
    phone = models.CharField(_("전화"), max_length=20, blank=True)
    description = models.CharField(_("무엇을 보았나요"), max_length=500)
    status = models.CharField(
        max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.NEW
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="welfare_concerns"
    )
    signal = models.ForeignKey(
        Signal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at"]


# --- Committees --------------------------------------------------------------------------------


class Committee(models.Model):
    """A dong's welfare committee (동 복지위원회)."""

    dong = models.OneToOneField(Dong, on_delete=models.CASCADE, related_name="welfare_committee")
    name = models.CharField(_("이름"), max_length=100)
    founded_on = models.DateField(_("구성일"), null=True, blank=True)

    class Meta:
        verbose_name = _("복지위원회")
        verbose_name_plural = _("복지위원회")
        ordering = ["dong__code"]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("위원장")
    VICE_CHAIR = "vice_chair", _("부위원장")
    SECRETARY = "secretary", _("간사")
    MEMBER = "member", _("위원")
    TONGJANG = "tongjang", _("통장")
    HONORARY = "honorary", _("명예사회복지공무원")


class CommitteeMember(models.Model):
    """A committee member, the organisation they come from and, if they visit, their login."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("이름"), max_length=50)
    role = models.CharField(
        _("직책"), max_length=12, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="committee_seats"
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="welfare_committee_seats",
    )  # the member's own resident record: their household is never assigned to them
    phone = models.CharField(_("전화"), max_length=20, blank=True)
    joined_on = models.DateField(_("위촉일"))
    left_on = models.DateField(_("해촉일"), null=True, blank=True)

    class Meta:
        ordering = ["committee", "role", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "user"],
                condition=Q(user__isnull=False),
                name="committee_member_user_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.left_on is None


class Meeting(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("회의일"))
    place = models.CharField(_("장소"), max_length=200, blank=True)
    minutes = models.TextField(_("회의록"), blank=True)
    attendees = models.ManyToManyField(CommitteeMember, related_name="meetings", blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("결정 사항"), max_length=500)
    owner = models.ForeignKey(
        CommitteeMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(_("기한"), null=True, blank=True)

    class Meta:
        ordering = ["id"]


# --- Urgent alerts (긴급) -----------------------------------------------------------------------


class AlertReason(models.TextChoices):
    NOT_SEEN = "not_seen", _("며칠째 보이지 않음")
    NO_ANSWER = "no_answer", _("문을 두드려도 응답 없음")
    DANGER = "danger", _("위험한 상황")
    NOT_HOME_TWICE = "not_home_twice", _("고위험 주민 두 번 부재")


class AlertLevel(models.TextChoices):
    OFFICER = "officer", _("담당 공무원")
    TEAM_LEAD = "team_lead", _("팀장")
    CITY = "city", _("시청")


class AlertStep(models.TextChoices):
    CALL = "call", _("전화로 안부 확인")
    VISIT = "visit", _("직접 방문")
    CALL_119 = "call_119", _("119 신고")
    CALL_112 = "call_112", _("112 신고")
    DOOR_OPENED = "door_opened", _("경찰과 함께 문 개방")
    OTHER = "other", _("기타 조치")
    # Set by the death's record, never chosen: the alert ends and climbs no further.
    DIED = "died", _("사망 기록으로 종결")


class Alert(models.Model):
    """긴급: a visitor's (or the system's) alarm about a person, answered by an officer; while
    unanswered it climbs to the team lead and then the city on the city's timetable."""

    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="welfare_alerts")
    assignment = models.ForeignKey(
        Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    raised_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )  # empty: raised by the system (not at home twice)
    raised_at = models.DateTimeField(_("알린 때"))
    reason = models.CharField(_("까닭"), max_length=16, choices=AlertReason.choices)
    note = models.CharField(_("메모"), max_length=300, blank=True)
    level = models.CharField(
        _("단계"), max_length=10, choices=AlertLevel.choices, default=AlertLevel.OFFICER
    )
    level_since = models.DateTimeField()
    answered_at = models.DateTimeField(_("조치한 때"), null=True, blank=True)
    answered_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    step = models.CharField(_("조치"), max_length=12, choices=AlertStep.choices, blank=True)
    step_note = models.CharField(_("조치 내용"), max_length=300, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["dong", "answered_at"], name="alert_dong_open")]


class EscalationPolicy(models.Model):
    """The city's timetable for an unanswered 긴급: to the team lead, then to the city."""

    city = models.OneToOneField(City, on_delete=models.CASCADE, related_name="welfare_escalation")
    team_lead_after_minutes = models.PositiveIntegerField(_("팀장에게 올리기까지(분)"), default=60)
    city_after_minutes = models.PositiveIntegerField(_("시청에 올리기까지(분)"), default=240)
    source = models.CharField(_("근거"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(city_after_minutes__gt=models.F("team_lead_after_minutes")),
                name="escalation_city_after_team_lead",
            )
        ]


# --- Case work: conference, approval, consent, transfer; the public door; offline sync ---------


class CaseConference(models.Model):
    """A 사례회의: who attended and what was decided."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conferences")
    held_on = models.DateField(_("회의일"))
    attendees = models.CharField(_("참석자"), max_length=500)
    decisions = models.TextField(_("결정 사항"))
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "-id"]


class ApprovalKind(models.TextChoices):
    PLAN = "plan", _("계획 결재")
    CLOSURE = "closure", _("종결 결재")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("결재 대기")
    APPROVED = "approved", _("승인됨")
    REJECTED = "rejected", _("반려됨")
    CANCELLED = "cancelled", _("결재 취소(사망)")


class CaseApproval(models.Model):
    """A request for the team lead's (팀장) 결재 of a case's plan or closure, and the decision."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(max_length=10, choices=ApprovalKind.choices)
    status = models.CharField(
        max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    closure_reason = models.CharField(max_length=12, choices=ClosureReason.choices, blank=True)
    note = models.CharField(_("요청 메모"), max_length=300, blank=True)
    # What was still open when closure was asked for: [{"code": ..., "n": ...}], for the decider.
    blockers = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("결재 의견"), max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(status="pending"),
                name="one_pending_approval_per_case_and_kind",
            )
        ]

    @property
    def decision_text(self) -> str:
        """The decider's words, or Saram's (a note code) in the reader's language."""
        return notes.render(self.decision_note)


class ConsentKind(models.TextChoices):
    COLLECTION = "collection", _("개인정보 수집·이용 동의")
    THIRD_PARTY = "third_party", _("개인정보 제3자 제공 동의")


class ConsentMethod(models.TextChoices):
    SIGNED = "signed", _("서명한 동의서 (스캔)")
    VERBAL = "verbal", _("구두 동의 (입회인)")


class Consent(models.Model):
    """A resident's consent: what it covers, when and how it was given, and its withdrawal."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="welfare_consents")
    kind = models.CharField(_("동의 종류"), max_length=12, choices=ConsentKind.choices)
    scope = models.CharField(_("동의 범위"), max_length=300)
    given_on = models.DateField(_("동의일"))
    method = models.CharField(_("동의 방법"), max_length=10, choices=ConsentMethod.choices)
    witness = models.CharField(_("입회인"), max_length=50, blank=True)
    scan = models.FileField(_("동의서 스캔"), upload_to="welfare/consent/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    withdrawn_on = models.DateField(_("철회일"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawal_note = models.CharField(_("철회 메모"), max_length=300, blank=True)

    class Meta:
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["person", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(method="verbal") | ~Q(witness=""), name="verbal_consent_has_witness"
            ),
            models.CheckConstraint(
                condition=~Q(method="signed") | ~Q(scan=""), name="signed_consent_has_scan"
            ),
        ]

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("인수 대기")
    ACCEPTED = "accepted", _("인수 완료")
    CANCELLED = "cancelled", _("취소")


class Transfer(models.Model):
    """이관: a person (and their open cases) handed over to the dong they moved to."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="welfare_transfers")
    from_dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="+")
    to_dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="+")
    cases = models.ManyToManyField(Case, related_name="transfers", blank=True)
    status = models.CharField(
        max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    new_address = models.CharField(_("새 주소"), max_length=300, blank=True)
    # What Saram itself says of the hand-over (a code of `welfare.notes` and its parameters,
    # rendered in the reader's language), above the officer's own words in `handover_note`.
    handover_code = models.CharField(max_length=40, blank=True)
    handover_params = models.JSONField(default=dict, blank=True)
    handover_note = models.TextField(_("인계 내용"), blank=True)
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    acceptance_note = models.CharField(_("인수 메모"), max_length=300, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="pending"),
                name="one_pending_transfer_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(from_dong=models.F("to_dong")), name="transfer_between_two_dongs"
            ),
        ]

    @property
    def handover_text(self) -> str:
        """The hand-over as the reader reads it: Saram's note in their language, then the
        officer's words."""
        said = notes.render(self.handover_code, self.handover_params) if self.handover_code else ""
        return "\n".join(part for part in (said, self.handover_note) if part)


class HelpAbout(models.TextChoices):
    SELF = "self", _("제가 도움이 필요해요")
    NEIGHBOUR = "neighbour", _("이웃이 걱정돼요")


class HelpRequestStatus(models.TextChoices):
    RECEIVED = "received", _("접수됨")
    HANDLED = "handled", _("처리됨")


class HelpOutcome(models.TextChoices):
    VISITED = "visited", _("방문·상담함")
    MOVED = "moved", _("이사함 확인")
    CASE_OPENED = "case_opened", _("사례로 지원")
    REFERRED = "referred", _("다른 기관에 연계")
    NO_NEED = "no_need", _("도움 필요 없음 확인")
    UNREACHABLE = "unreachable", _("찾지 못함")


class HelpRequest(models.Model):
    """A request for help from the public door: for oneself or about a neighbour."""

    receipt = models.CharField(max_length=12, unique=True)
    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "core.Household", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    address = models.CharField(_("주소"), max_length=300)
    address_detail = models.CharField(_("동·호수"), max_length=100, blank=True)
    about = models.CharField(max_length=10, choices=HelpAbout.choices)
    name = models.CharField(_("이름"), max_length=50, blank=True)
    contact = models.CharField(_("연락처"), max_length=20, blank=True)
    description = models.TextField(_("어떤 어려움인가요"))
    consented_at = models.DateTimeField()
    received_at = models.DateTimeField()
    due_on = models.DateField(_("처리 기한"))
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=HelpRequestStatus.choices, default=HelpRequestStatus.RECEIVED
    )
    outcome = models.CharField(max_length=12, choices=HelpOutcome.choices, blank=True)
    answer = models.CharField(_("처리 내용"), max_length=500, blank=True)
    handled_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "received_at"]
        indexes = [models.Index(fields=["dong", "status", "due_on"])]


class SyncConflict(models.Model):
    """A visit recorded offline that met an office edit of the same assignment: kept, not
    applied, until an officer decides."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="conflicts")
    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="+")
    client_id = models.UUIDField(unique=True)
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    payload = models.JSONField()  # the offline visit as sent: outcome, visited_at, needs, note
    seen_version = models.CharField(max_length=80)
    office_version = models.CharField(max_length=80)
    resolved_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=10, blank=True)  # "kept" or "discarded"
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at"]


# --- Life events: a death, a move learned at the door ------------------------------------------


class Death(models.Model):
    """A resident's death as welfare learned it (at a visit or otherwise): its record closes
    their open cases, referrals and visits, and says what it closed."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="welfare_death")
    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="+")
    died_on = models.DateField(_("사망일"), null=True, blank=True)  # empty: not known
    learned_at = models.DateTimeField(_("알게 된 때"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("메모"), max_length=300, blank=True)
    closed_cases = models.PositiveIntegerField(default=0)
    closed_referrals = models.PositiveIntegerField(default=0)
    closed_visits = models.PositiveIntegerField(default=0)
    closed_alerts = models.PositiveIntegerField(default=0)


class MoveTaskStatus(models.TextChoices):
    OPEN = "open", _("이관 대기")
    TRANSFERRED = "transferred", _("이관함")
    STAYED = "stayed", _("이사하지 않음")


class MoveTask(models.Model):
    """A move learned at the door without the new dong: the officer finds where the person
    went and opens the transfer (or finds they did not move), by `due_on`."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="+")
    learned_at = models.DateTimeField(_("알게 된 때"))
    learned_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    new_address = models.CharField(_("새 주소(아는 만큼)"), max_length=300, blank=True)
    due_on = models.DateField(_("처리 기한"))
    status = models.CharField(
        max_length=12, choices=MoveTaskStatus.choices, default=MoveTaskStatus.OPEN
    )
    transfer = models.ForeignKey(
        Transfer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="open"), name="one_open_move_task_per_person"
            )
        ]
