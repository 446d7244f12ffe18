"""Refusals and notices of the citizen print service, as codes rendered in the reader's language."""

from django.utils.translation import gettext_lazy as _

from saram.core.errors import register

register(
    {
        "print_bad_field": _("%(field)s: %(problem)s"),
        # Upload and mesh check (engine reasons are prefixed with print_)
        "print_unsupported_format": _(
            "'%(suffix)s' 파일은 받을 수 없습니다. STL, OBJ, 3MF 파일을 올리세요."
        ),
        "print_file_too_large": _("파일이 너무 큽니다. %(limit_mb)sMB까지 올릴 수 있습니다."),
        "print_bad_layer_height": _("레이어 높이는 0.10, 0.15, 0.20, 0.30mm 중에서 고르세요."),
        "print_bad_infill": _("채움 비율은 0~100% 사이여야 합니다."),
        "print_bad_quantity": _("수량은 1개에서 50개 사이여야 합니다."),
        "print_material_inactive": _("%(material)s은(는) 지금 쓸 수 없는 소재입니다."),
        "print_not_a_mesh": _("3D 모델 파일이 아니거나 손상된 파일입니다."),
        "print_unsupported_format_mesh": _("지원하지 않는 파일 형식입니다."),
        "print_empty": _("모델에 면이 하나도 없습니다."),
        "print_degenerate": _("모델이 납작하거나 한 점에 모여 있어 부피가 없습니다."),
        "print_non_finite": _("모델 좌표에 숫자가 아닌 값(NaN, 무한대)이 있습니다."),
        "print_too_many_triangles": _(
            "삼각형이 %(count)s개로 너무 많습니다. %(limit)s개 이하로 줄여 주세요."
        ),
        "print_archive_unsafe_name": _("3MF 파일 안에 허용되지 않는 경로가 있습니다."),
        "print_archive_too_large": _("3MF 파일의 압축을 풀면 너무 커집니다."),
        "print_fits_no_machine": _(
            "모델 크기(%(size)s mm)가 어느 프린터에도 들어가지 않습니다. "
            "가장 큰 출력 크기는 %(volume)s mm입니다."
        ),
        "print_no_machine_for_material": _(
            "센터의 프린터 중 %(material)s을(를) 출력할 수 있는 것이 없습니다. "
            "다른 소재를 고르세요."
        ),
        "print_not_printable": _(
            "모델 검사에서 출력할 수 없는 문제가 나왔습니다. 먼저 고쳐 주세요."
        ),
        # Findings shown on the check page
        "print_finding_not_watertight": _(
            "모델에 구멍이 있습니다(열린 모서리 %(edges)s개). 자동 수리로 메울 수 있습니다."
        ),
        "print_finding_not_manifold": _(
            "한 모서리를 세 면 이상이 공유합니다(%(edges)s곳). 모델링 프로그램에서 고쳐 주세요."
        ),
        "print_finding_inverted_normals": _("면의 방향이 뒤집혀 있습니다. 자동 수리로 고칩니다."),
        "print_finding_inconsistent_normals": _(
            "일부 면의 방향이 어긋나 있습니다. 자동 수리로 고칩니다."
        ),
        "print_finding_loose_parts": _(
            "서로 떨어진 조각이 %(parts)s개 있습니다. 의도한 것인지 확인하세요."
        ),
        "print_finding_thin_walls": _(
            "표면의 %(percent)s%%가 노즐 지름(%(nozzle)smm)보다 얇은 벽입니다. "
            "출력되지 않을 수 있습니다."
        ),
        "print_finding_fits_no_machine": _(
            "모델 크기(%(size)s mm)가 어느 프린터에도 들어가지 않습니다."
        ),
        "print_finding_tiny": _("모델이 %(size)smm로 너무 작습니다. 단위(mm)를 확인하세요."),
        # Slicing
        "print_slicer_not_installed": _("슬라이서가 설치되어 있지 않습니다. 센터에 알려 주세요."),
        "print_slicer_timeout": _("슬라이싱이 %(seconds)s초 안에 끝나지 않아 멈췄습니다."),
        "print_slicer_crashed": _("슬라이서가 이 모델을 처리하지 못했습니다."),
        "print_slicer_no_figures": _("슬라이서 결과에서 소재량과 시간을 읽지 못했습니다."),
        "print_slicer_unknown_profile": _("프린터 설정(%(profile)s)을 찾을 수 없습니다."),
        # Quote and queue
        "print_wrong_state": _("지금 상태(%(status)s)에서는 할 수 없는 일입니다."),
        "print_not_yours": _("본인의 출력 의뢰만 수락하거나 거절할 수 있습니다."),
        "print_quote_expired": _("견적 유효기간(%(until)s)이 지났습니다. 다시 견적을 받으세요."),
        "print_not_sliced": _("아직 슬라이싱이 끝나지 않았습니다."),
        "print_bad_printer_url": _("프린터 주소는 http:// 또는 https://로 시작해야 합니다."),
        # Routing
        "print_route_not_networked": _("%(printer)s은(는) 네트워크로 연결되어 있지 않습니다."),
        "print_route_unavailable": _("%(printer)s은(는) 지금 점검 중이거나 고장입니다."),
        "print_route_material": _("%(printer)s은(는) %(material)s을(를) 쓸 수 없습니다."),
        "print_route_not_loaded": _("%(printer)s에 %(material)s이(가) 장착되어 있지 않습니다."),
        "print_route_too_small": _("모델이 %(printer)s의 출력 크기보다 큽니다."),
        "print_route_plate": _("%(printer)s의 출력판이 비었는지 아직 확인하지 않았습니다."),
        "print_route_busy": _("%(printer)s은(는) 다른 작업을 출력하고 있습니다."),
        "print_route_not_ready": _("%(printer)s이(가) 응답하지 않거나 준비되지 않았습니다."),
        "print_already_started": _("이 작업은 이미 %(printer)s에서 출력 중입니다."),
        # Printers
        "print_printer_offline": _("%(printer)s에 연결할 수 없습니다."),
        "print_printer_refused": _("%(printer)s이(가) API 키를 거부했습니다."),
        "print_printer_busy": _("%(printer)s이(가) 바빠서 작업을 받지 않았습니다."),
        "print_printer_not_ready": _("%(printer)s이(가) 준비되지 않았습니다."),
        "print_printer_bad_answer": _("%(printer)s이(가) 알 수 없는 응답을 보냈습니다."),
        "print_printer_lost": _(
            "출력 중 %(printer)s과(와) 연결이 끊겼습니다. 다시 시작하거나 다른 프린터로 옮기세요."
        ),
        "print_failed_by_staff": _("출력 실패: %(reason)s"),
        # Assistive devices
        "device_unknown_design": _("알 수 없는 보조기구입니다."),
        "device_out_of_range": _("%(key)s 값은 %(low)s~%(high)s 사이여야 합니다."),
        "device_no_consent": _("본인 동의를 받았다는 확인이 있어야 요청할 수 있습니다."),
        "device_case_closed": _("종결된 사례에는 보조기구를 요청할 수 없습니다."),
        "device_no_budget": _(
            "%(year)s년 보조기구 예산이 이 동에도, 시 전체에도 잡혀 있지 않습니다. "
            "시청에 예산 배정을 요청하세요."
        ),
        "device_over_budget": _(
            "%(year)s년 보조기구 예산(%(amount)s원)이 모자랍니다. 남은 예산은 %(remaining)s원인데 "
            "이 보조기구는 %(charge)s원입니다. 예산이 늘어나면 다시 요청하세요."
        ),
        "print_rule_rate": _("할인율은 1%에서 100% 사이여야 합니다."),
        "print_rule_ages_pupils_only": _("나이 범위는 초·중·고 학생 할인에만 정할 수 있습니다."),
        "print_rule_ages_order": _("최소 나이(%(low)s세)가 최대 나이(%(high)s세)보다 많습니다."),
        "print_rule_no_source": _("근거(규정 조항, 결재 번호 등)를 적어 주세요."),
        "print_rule_no_start": _("시행일을 적어 주세요."),
        "print_rule_in_past": _(
            "시행일은 오늘(%(today)s) 이후여야 합니다. 지난 견적은 바뀌지 않습니다."
        ),
        "print_rule_ends_before_start": _("종료일이 시행일보다 빠릅니다."),
        "print_rule_overlaps": _(
            "같은 종류의 할인 '%(name)s'(%(start)s ~ %(end)s)과 기간이 겹칩니다. "
            "그 할인을 먼저 끝내거나 새 판으로 고치세요."
        ),
        "print_rule_ended": _("이미 %(end)s에 끝난 규칙입니다."),
        "print_rule_basis_fixed": _("할인 대상은 바꿀 수 없습니다. 새 할인을 등록하세요."),
        "print_rule_version_after": _(
            "새 판의 시행일은 지금 판의 시행일(%(start)s)보다 뒤여야 합니다."
        ),
        "print_rule_end_in_past": _("마지막 날은 오늘(%(today)s) 이후여야 합니다."),
        "device_budget_start_in_year": _("시행일은 %(year)s년 안의 날짜여야 합니다."),
        "device_budget_negative": _("예산은 0원 이상이어야 합니다."),
        "device_budget_no_source": _("예산의 근거(사업명, 결재 번호 등)를 적어 주세요."),
        "device_held": _(
            "'%(title)s' 보조기구의 최종 견적이 예산을 넘어 대기 중입니다. "
            "사례 화면에서 확인하세요."
        ),
        "print_credit_changed": _(
            "장비 크레딧 잔액(%(balance)s분)이 견적에 쓴 %(planned)s분보다 적어졌습니다. "
            "남은 크레딧으로 견적을 다시 계산했으니 확인하고 다시 수락하세요."
        ),
        "print_not_cancellable": _(
            "'%(status)s' 상태의 출력 의뢰는 취소할 수 없습니다. "
            "출력을 시작하기 전까지만 취소할 수 있습니다."
        ),
        "print_cancelled": _("'%(title)s' 출력 의뢰가 센터에서 취소되었습니다."),
        "print_bad_birth_year": _(
            "출생 연도 %(year)s은(는) 올바르지 않습니다. 네 자리 연도로 적으세요."
        ),
        # Notices
        "print_done": _("'%(title)s' 출력이 끝났습니다. 센터에서 찾아가세요."),
        "print_failed": _("'%(title)s' 출력이 실패했습니다. 센터에서 연락드립니다."),
    }
)
