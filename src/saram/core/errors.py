"""The one error type services raise: a code plus parameters, rendered when shown.

Each app registers its codes once, in its own `errors.py`, as lazy messages::

    from django.utils.translation import gettext_lazy as _
    from saram.core.errors import register

    register({
        "future_visit": _("방문 일시가 미래입니다."),
        "over_capacity": _("정원 %(capacity)s명이 찼습니다."),
    })

and raises `SaramError("over_capacity", capacity=12)`. The message is translated only when it
is read (`exc.message`, `render(code, params)`), in the language active then: a job run in the
worker stores the code and parameters, and the page that shows it later renders them in its
reader's language. The API answers `{"code", "message", "errors"}` with status 400 in one
handler (`saram.api`); HTML views let `saram.core.middleware.SaramErrorMiddleware` turn the
error into a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

_MESSAGES: dict[str, Promise | str] = {}

# Codes core itself raises, and the fallback for a code nobody registered.
_UNKNOWN = gettext_lazy("요청을 처리할 수 없습니다.")


def register(messages: Mapping[str, Promise | str]) -> None:
    """Add codes to the table; a code registered twice with another message is a bug."""
    for code, message in messages.items():
        known = _MESSAGES.get(code)
        if known is not None and known is not message and str(known) != str(message):
            raise ValueError(f"error code {code!r} is registered twice with different messages")
        _MESSAGES[code] = message


def is_registered(code: str) -> bool:
    return code in _MESSAGES


def registered_codes() -> frozenset[str]:
    return frozenset(_MESSAGES)


def render(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The message for `code` in the active language, with its parameters filled in.

    Parameters that are themselves lazy strings or codes of an enum are rendered too, so a
    job's stored parameters stay plain data.
    """
    template = _MESSAGES.get(code, _UNKNOWN)
    text = str(template)
    values = _Lenient(
        (key, str(value) if isinstance(value, Promise) else value)
        for key, value in (params or {}).items()
    )
    # Formatted always, with or without parameters, so "%%" reads "%" either way; a missing
    # parameter reads empty rather than losing the message.
    try:
        return text % values
    except (TypeError, ValueError):
        return text.replace("%%", "%")


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


class RowError:
    """One bad cell or row of an uploaded file: where it is and what would be right.

    `value` must already be safe to show (see `saram.core.redaction`): a row error is stored,
    written to the error file and shown on a page.
    """

    __slots__ = ("_message", "code", "field", "params", "row", "value")

    def __init__(
        self,
        row: int,
        field: str,
        message: str | Promise = "",
        value: str = "",
        *,
        code: str = "",
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.row = row  # 1-based data row, as a spreadsheet shows it (header is row 1)
        self.field = field
        self.value = value
        self.code = code
        self.params = dict(params or {})
        self._message = message

    @property
    def message(self) -> str:
        if self.code and self.code in _MESSAGES:
            return render(self.code, self.params)
        return str(self._message)

    def as_dict(self) -> dict[str, Any]:
        """Plain data to store (a job's result); `message` is for readers of the stored data
        that cannot render (a file), pages render from code and params again."""
        data: dict[str, Any] = {
            "row": self.row,
            "field": self.field,
            "message": self.message,
            "value": self.value,
        }
        if self.code:
            data["code"] = self.code
            data["params"] = _plain(self.params)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RowError:
        return cls(
            int(data.get("row", 0)),
            str(data.get("field", "")),
            str(data.get("message", "")),
            str(data.get("value", "")),
            code=str(data.get("code", "")),
            params=data.get("params") or {},
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RowError):
            return NotImplemented
        return self.as_dict() == other.as_dict()

    def __repr__(self) -> str:
        return f"RowError(row={self.row}, field={self.field!r}, code={self.code!r})"


class SaramError(Exception):
    """A refusal a user can understand: a registered code and its parameters.

    `SaramError("over_capacity", capacity=12)`. The older form with a message as the second
    argument still works for codes not yet in the table; new code registers its codes.
    """

    def __init__(
        self,
        code: str,
        message: str | Promise | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        row_errors: list[RowError] | None = None,
        **kwparams: Any,
    ) -> None:
        self.code = code
        self.params: dict[str, Any] = {**(params or {}), **kwparams}
        self.row_errors: list[RowError] = list(row_errors or [])
        self._message = message
        super().__init__(code)

    @property
    def message(self) -> str:
        """The message in the language active now."""
        if self.code in _MESSAGES or self._message is None:
            return render(self.code, self.params)
        return str(self._message)

    def as_dict(self) -> dict[str, Any]:
        """Plain data to store; render again with `SaramError.from_dict(...).message`."""
        return {
            "code": self.code,
            "params": _plain(self.params),
            "message": self.message,
            "errors": [e.as_dict() for e in self.row_errors],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SaramError:
        return cls(
            str(data.get("code", "")),
            data.get("message") or None,
            params=data.get("params") or {},
            row_errors=[RowError.from_dict(e) for e in data.get("errors") or []],
        )

    def __str__(self) -> str:
        return self.message


def _plain(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as JSON-safe values (lazy strings rendered, others as they are or str)."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, Promise):
            out[key] = str(value)
        elif value is None or isinstance(value, (str, int, float, bool)):
            out[key] = value
        elif isinstance(value, (list, tuple)):
            out[key] = [v if isinstance(v, (str, int, float, bool)) else str(v) for v in value]
        else:
            out[key] = str(value)
    return out


def message_for(exc: SaramError) -> str:
    """The message to show for an error, in the reader's language."""
    return exc.message or gettext("요청을 처리할 수 없습니다.")


# Core's own codes (areas, people, organisations, the demo). Other apps register theirs in
# `<app>/errors.py`.
register(
    {
        "no_manifest": gettext_lazy("%(path)s 파일이 없습니다."),
        "bad_manifest": gettext_lazy("city.json을 읽을 수 없습니다: %(detail)s"),
        "manifest_key_missing": gettext_lazy("city.json에 '%(key)s' 항목이 없습니다."),
        "bad_boundaries": gettext_lazy(
            "경계 파일 %(file)s에 오류가 있어 아무것도 불러오지 않았습니다."
        ),
        "boundary_not_json": gettext_lazy("GeoJSON이 올바른 JSON이 아닙니다"),
        "boundary_not_feature_collection": gettext_lazy("FeatureCollection이 아닙니다"),
        "boundary_no_features": gettext_lazy("feature가 하나도 없습니다"),
        "boundary_missing_property": gettext_lazy("필수 속성이 없습니다"),
        "boundary_bad_code": gettext_lazy("행정기관코드는 10자리 숫자여야 합니다"),
        "boundary_duplicate_code": gettext_lazy("같은 행정기관코드가 두 번 나옵니다"),
        "boundary_bad_geometry": gettext_lazy("경계 도형을 읽거나 고칠 수 없습니다"),
        "boundary_not_polygon": gettext_lazy("경계는 Polygon 또는 MultiPolygon이어야 합니다"),
        "boundary_repaired": gettext_lazy("경계 도형의 오류를 고쳤습니다"),
        "boundary_bad_kind": gettext_lazy("읍·면·동 구분을 알 수 없습니다 (읍, 면, 동 중 하나)"),
        "out_of_scope": gettext_lazy("%(dong)s 주민을 등록할 권한이 없습니다."),
        "duplicate_rrn": gettext_lazy("이미 등록된 주민등록번호입니다."),
        "duplicate_case_forbidden": gettext_lazy("중복 등록 건은 시청 관리자가 처리합니다."),
        "bad_field": gettext_lazy("바꿀 수 없는 항목입니다: %(fields)s"),
        "unknown_dong_code": gettext_lazy("알 수 없는 행정동코드입니다."),
        "dong_not_in_scope": gettext_lazy("이 행정동의 주민을 등록할 권한이 없습니다."),
        "same_rrn_as_row": gettext_lazy("%(row)s행과 같은 주민등록번호입니다."),
        "same_business_number_as_row": gettext_lazy("%(row)s행과 같은 사업자등록번호입니다."),
        "no_dongs": gettext_lazy("행정동이 없습니다. 먼저 도시를 불러오세요 (saram load_city)."),
        "no_city": gettext_lazy("도시가 없습니다. 먼저 도시를 불러오세요 (saram load_city)."),
        "demo_in_use": gettext_lazy(
            "데모 주민이 %(model)s 기록에서 쓰이고 있어 바꿀 수 없습니다. "
            "새 데이터베이스로 시작하세요."
        ),
        "demo_bad_rows": gettext_lazy("%(file)s에 잘못된 행이 있어 아무것도 불러오지 않았습니다."),
        "demo_in_production": gettext_lazy(
            "운영 환경(SARAM_ENV=production)에서는 데모 데이터를 불러오지 않습니다."
        ),
        "demo_users_in_production": gettext_lazy(
            "운영 환경(SARAM_ENV=production)에서는 데모 계정을 만들지 않습니다."
        ),
        "bad_size": gettext_lazy("주민 수는 0 이상이어야 합니다."),
        "bad_filter": gettext_lazy("검색 조건이 올바르지 않습니다: %(fields)s"),
        "job_crashed": gettext_lazy("작업이 예기치 않게 멈췄습니다. 관리자에게 알려 주세요."),
    }
)
