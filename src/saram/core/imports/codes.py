"""Core's import error codes, registered once in `saram.core.errors`' table (lazy messages,
rendered in the reader's language when a job's errors are shown or downloaded)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from saram.core.engine.tabular import Problem
from saram.core.errors import register

register(
    {
        # The file as a whole (the reader's reason codes).
        Problem.BAD_FORMAT.value: _(
            "CSV, 탭으로 나눈 텍스트(TXT) 또는 XLSX 파일만 가져올 수 있습니다: %(name)s"
        ),
        Problem.BAD_ENCODING.value: _(
            "파일의 문자 인코딩을 읽을 수 없습니다. UTF-8, CP949(EUC-KR) 또는 UTF-16으로 "
            "저장해 주세요."
        ),
        Problem.EMPTY_FILE.value: _("파일이 비어 있습니다: 1행에 머리글이 있어야 합니다."),
        Problem.NO_ROWS.value: _("머리글 아래에 데이터 행이 없습니다."),
        Problem.UNREADABLE.value: _(
            "표로 읽을 수 없는 파일입니다. 엑셀에서 CSV 또는 XLSX로 다시 저장해 주세요."
        ),
        Problem.TOO_MANY_COLUMNS.value: _(
            "열이 너무 많습니다(%(count)s개): %(limit)s개까지 읽습니다. 머리글 행을 확인해 주세요."
        ),
        Problem.TOO_MANY_ROWS.value: _(
            "행이 너무 많습니다: 한 번에 %(limit)s행까지 가져올 수 있습니다. 파일을 나누어 "
            "올려 주세요."
        ),
        Problem.UNPACKED_TOO_LARGE.value: _(
            "XLSX 파일의 압축을 풀면 %(size_mb)s MB로, 한도(%(limit_mb)s MB)를 넘습니다."
        ),
        Problem.DUPLICATE_HEADER.value: _(
            "같은 머리글이 두 번 있습니다(%(first)s번째와 %(again)s번째 열): 하나만 남겨 주세요."
        ),
        Problem.TITLE_ROW.value: _(
            "1행이 머리글이 아니라 제목으로 보입니다: 제목 행을 지워 %(header_row)s행의 "
            "머리글이 1행에 오게 해 주세요."
        ),
        Problem.BLANK_HEADER.value: _(
            "머리글이 빈 열(%(column)s번째)에 값이 있습니다: 머리글을 적거나 값을 지워 주세요."
        ),
        Problem.RAGGED_ROW.value: _(
            "이 행의 칸이 머리글(%(width)s개 열)보다 많습니다: 값 안의 쉼표는 큰따옴표로 "
            "감싸 주세요."
        ),
        Problem.UNCLOSED_QUOTE.value: _(
            '%(row)s행에서 연 큰따옴표(")가 닫히지 않아 그 뒤의 행을 읽을 수 없습니다: 값을 '
            "감싼 큰따옴표를 닫거나 지워 주세요."
        ),
        Problem.CELL_TOO_LONG.value: _("값이 너무 깁니다: %(limit)s자까지 적을 수 있습니다."),
        # Uploading and running.
        "import_too_large": _("파일이 너무 큽니다: %(limit_mb)s MB까지 올릴 수 있습니다."),
        "import_out_of_memory": _(
            "파일을 읽는 데 메모리가 한도(%(limit_mb)s MB)보다 많이 들어 멈췄습니다. 파일을 "
            "나누어 올려 주세요."
        ),
        "import_timeout": _(
            "파일을 읽는 데 %(seconds)s초가 넘게 걸려 멈췄습니다. 파일을 나누어 올려 주세요."
        ),
        "job_worker_died": _(
            "작업 처리기가 멈춰 이 작업이 중단되었습니다. 아무것도 저장하지 않았습니다. "
            "다시 시작해 주세요."
        ),
        "job_failed": _("작업을 끝내지 못했습니다. 아무것도 저장하지 않았습니다."),
        "import_already_started": _("이미 처리했거나 처리 중인 가져오기입니다."),
        "import_file_gone": _("보관 기간이 지나 파일이 지워졌습니다. 파일을 다시 올려 주세요."),
        # Headers and rows.
        "import_bad_header": _("머리글이 맞지 않습니다."),
        "import_missing_column": _("머리글에 이 열이 없습니다. 필요한 열: %(columns)s"),
        "import_unknown_column": _("알 수 없는 열입니다. 쓸 수 있는 열: %(columns)s"),
        "import_bad_rows": _(
            "잘못된 행이 %(count)s개 있어 아무것도 가져오지 않았습니다. 오류 파일을 내려받아 "
            "고친 뒤 다시 올려 주세요."
        ),
        "import_required": _("값이 필요합니다."),
        "import_bad_value": _("값이 올바르지 않습니다."),
        # People and organisations (core's own imports).
        "import_rrn_format": _("주민등록번호는 13자리 숫자(예: 900101-1234567)여야 합니다."),
        "import_rrn_date": _("주민등록번호 앞 6자리가 올바른 생년월일이 아닙니다."),
        "import_rrn_checksum": _("주민등록번호 검증 숫자(마지막 자리)가 맞지 않습니다."),
        "import_yes_no": _("예 또는 아니오(Y/N)로 적어 주세요."),
        "import_unknown_dong": _("알 수 없는 행정동코드입니다."),
        "import_dong_out_of_scope": _("이 행정동의 주민을 등록할 권한이 없습니다."),
        "import_duplicate_rrn": _("이미 등록된 주민등록번호입니다."),
        "import_same_rrn_as_row": _("%(row)s행과 같은 주민등록번호입니다."),
        "import_unknown_kind": _("알 수 없는 유형입니다. 가능한 값: %(kinds)s"),
        "import_business_number": _("사업자등록번호는 검증 숫자가 맞는 10자리 숫자여야 합니다."),
        "import_same_business_number": _("%(row)s행과 같은 사업자등록번호입니다."),
    }
)
