from django.urls import path

from saram.welfare import devices, views

app_name = "welfare"
urlpatterns = [
    path("", views.home, name="home"),
    # Signals
    path("signals/", views.imports, name="imports"),
    path("signals/<int:pk>/", views.import_detail, name="import_detail"),
    path("signals/<int:pk>/errors.csv", views.import_errors, name="import_errors"),
    path("signals/<int:pk>/accept/", views.import_accept, name="import_accept"),
    path("signals/reviews/", views.reviews, name="reviews"),
    path("signals/reviews/<int:pk>/", views.review_detail, name="review_detail"),
    # Outreach rounds and visits
    path("outreach/", views.outreach, name="outreach"),
    path("outreach/<str:code>/", views.outreach_dong, name="outreach_dong"),
    path("outreach/<str:code>/plan/", views.round_plan, name="round_plan"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/start/", views.round_start, name="round_start"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("visits/", views.visits_list, name="visits"),
    path("visits/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("people/<int:pk>/", views.person, name="person"),
    # Cases and referrals
    path("cases/", views.case_list, name="cases"),
    path("cases/new/<int:person_pk>/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/needs/", views.case_need, name="case_need"),
    path("cases/<int:pk>/needs/met/", views.case_need_met, name="case_need_met"),
    path("cases/<int:pk>/devices/", devices.case_device, name="case_device"),
    path("cases/<int:pk>/actions/", views.case_action, name="case_action"),
    path("cases/<int:pk>/actions/done/", views.case_action_done, name="case_action_done"),
    path("cases/<int:pk>/notes/", views.case_note, name="case_note"),
    path("cases/<int:pk>/workers/", views.case_worker, name="case_worker"),
    path("cases/<int:pk>/referrals/", views.case_referral, name="case_referral"),
    path("cases/<int:pk>/follow-up/", views.case_follow_up, name="case_follow_up"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("referrals/<int:pk>/", views.referral_update, name="referral_update"),
    path("resources/", views.resources, name="resources"),
    path("resources/new/", views.resource_edit, name="resource_new"),
    path("resources/<int:pk>/", views.resource_edit, name="resource_edit"),
    # Concerns
    path("concerns/", views.concerns, name="concerns"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern_detail"),
    # Committee members
    path("my/", views.my, name="my"),
    path("my/concern/", views.my_concern, name="my_concern"),
    path("my/<int:pk>/", views.my_visit, name="my_visit"),
    path("my/<int:pk>/return/", views.my_return, name="my_return"),
    # Coverage
    path("coverage/", views.coverage_city, name="coverage"),
    path("coverage.geojson", views.coverage_geojson, name="coverage_geojson"),
    path("coverage/<str:code>/", views.coverage_dong, name="coverage_dong"),
    # Committees and configuration
    path("committees/", views.committee_list, name="committees"),
    path("committees/<str:code>/", views.committee_detail, name="committee_detail"),
    path("committees/<str:code>/members/", views.member_new, name="member_new"),
    path("committees/<str:code>/meetings/", views.meeting_new, name="meeting_new"),
    path("members/<int:pk>/end/", views.member_end, name="member_end"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("config/", views.config_view, name="config"),
    path("config/edit/", views.config_edit, name="config_edit"),
    path("config/kinds/new/", views.kind_new, name="kind_new"),
    path("config/<int:pk>/", views.config_version, name="config_version"),
    path("settings/<str:code>/", views.dong_settings, name="dong_settings"),
    path("models/", views.model_check, name="model_check"),
]
