"""Acknowledgment campaigns under /acknowledgments/."""

from django.urls import URLPattern, URLResolver, path

from chalkline.acks.views import delivery, employee, manage, records

app_name = "acks"

urlpatterns: list[URLPattern | URLResolver] = [
    # The employee
    path("", employee.mine, name="mine"),
    path("notifications/read/", employee.notifications_read, name="notifications_read"),
    path("consent/", employee.consent, name="consent"),
    path("a/<id:pk>/", employee.assignment_detail, name="assignment"),
    path("a/<id:pk>/open/", employee.open_text, name="open"),
    path("a/<id:pk>/done-reading/", employee.done_reading, name="done_reading"),
    path("a/<id:pk>/sign/", employee.sign, name="sign"),
    path("a/<id:pk>/refuse/", employee.refuse, name="refuse"),
    # Records and files
    path("records/<id:pk>/certificate.pdf", records.certificate, name="certificate"),
    path("records/<id:pk>/scan/", records.scan, name="scan"),
    path("verify/<str:code>/", records.verify, name="verify"),
    path("people/<id:pk>/", records.personnel_file, name="personnel_file"),
    path("people/<id:pk>/file.zip", records.personnel_zip, name="personnel_zip"),
    # District and building
    path("campaigns/", manage.campaigns, name="campaigns"),
    path("settings/", manage.notification_settings, name="settings"),
    path("campaigns/new/", manage.campaign_new, name="campaign_new"),
    path("campaigns/<id:pk>/", manage.campaign_detail, name="campaign"),
    path("campaigns/<id:pk>/launch/", manage.launch, name="launch"),
    path("campaigns/<id:pk>/follow-up/", manage.follow_up, name="follow_up"),
    path("campaigns/<id:pk>/export.csv", records.campaign_export, name="campaign_export"),
    path("campaigns/<id:pk>/b/<id:building_pk>/", manage.building, name="building"),
    path("campaigns/<id:pk>/b/<id:building_pk>/distribute/", manage.distribute, name="distribute"),
    path("campaigns/<id:pk>/b/<id:building_pk>/remind/", manage.remind, name="remind"),
    path("campaigns/<id:pk>/mail/", delivery.campaign_delivery, name="campaign_delivery"),
    path(
        "campaigns/<id:pk>/mail/retry/",
        delivery.campaign_delivery_retry,
        name="campaign_delivery_retry",
    ),
    path(
        "campaigns/<id:pk>/b/<id:building_pk>/mail/",
        delivery.building_delivery,
        name="building_delivery",
    ),
    path(
        "campaigns/<id:pk>/b/<id:building_pk>/mail/retry/",
        delivery.building_delivery_retry,
        name="building_delivery_retry",
    ),
    path(
        "campaigns/<id:pk>/b/<id:building_pk>/export.csv",
        records.building_export,
        name="building_export",
    ),
    path(
        "campaigns/<id:pk>/b/<id:building_pk>/certificates.zip",
        records.building_zip,
        name="building_zip",
    ),
    path("assignments/<id:pk>/paper/", manage.paper, name="paper"),
    path("assignments/<id:pk>/refusal/", manage.witnessed_refusal, name="witnessed_refusal"),
]
