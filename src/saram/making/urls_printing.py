from django.urls import path

from saram.making import views_print_rules as rules
from saram.making import views_printing as views

urlpatterns = [
    path("print/", views.print_home, name="print_home"),
    path("print/new/", views.print_upload, name="print_upload"),
    path("print/queue/", views.print_queue, name="print_queue"),
    path("print/<int:pk>/", views.print_job, name="print_job"),
    path("print/<int:pk>/model.stl", views.print_model, name="print_model"),
    path("print/<int:pk>/progress.json", views.print_progress, name="print_progress"),
    path("print/<int:pk>/slice/", views.print_slice, name="print_slice"),
    path("print/<int:pk>/repair/", views.print_repair, name="print_repair"),
    path("print/<int:pk>/accept/", views.print_accept, name="print_accept"),
    path("print/<int:pk>/decline/", views.print_decline, name="print_decline"),
    path("print/<int:pk>/cancel/", views.print_cancel, name="print_cancel"),
    path("print/device-budgets/", views.device_budgets, name="device_budgets"),
    path("print/device-budgets/<int:pk>/edit/", rules.budget_edit, name="device_budget_edit"),
    path("print/device-budgets/<int:pk>/end/", rules.budget_end, name="device_budget_end"),
    path("print/discounts/", rules.discounts, name="print_discounts"),
    path("print/discounts/new/", rules.discount_new, name="print_discount_new"),
    path("print/discounts/<int:pk>/edit/", rules.discount_edit, name="print_discount_edit"),
    path("print/discounts/<int:pk>/end/", rules.discount_end, name="print_discount_end"),
    path("print/<int:pk>/start/", views.print_start, name="print_start"),
    path("print/<int:pk>/follow/", views.print_follow, name="print_follow"),
    path("print/<int:pk>/fail/", views.print_fail, name="print_fail"),
    path("print/<int:pk>/deliver/", views.print_deliver, name="print_deliver"),
    path("print/<int:pk>/priority/", views.print_priority, name="print_priority"),
    path("printers/<int:pk>/plate-clear/", views.printer_plate_clear, name="printer_plate_clear"),
]
