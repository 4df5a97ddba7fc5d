from django.urls import path

from chalkline.cases import public, views

app_name = "cases"

urlpatterns = [
    path("cases/", views.cases, name="cases"),
    path("cases/report/", views.report, name="report"),
    path("cases/new/", views.new_case, name="new"),
    path("cases/dcfs-reports/", views.mandated_reports, name="mandated_reports"),
    path("cases/dcfs-reports/log/", views.mandated_log, name="mandated_log"),
    path("cases/outcomes/", views.outcomes, name="outcomes"),
    path("cases/review/", views.review, name="review"),
    path("cases/inspections/", views.inspections, name="inspections"),
    path("cases/inspections/<id:pk>/extend", views.inspection_extend, name="inspection_extend"),
    path("cases/inspections/<id:pk>/provided", views.inspection_fulfil, name="inspection_fulfil"),
    path("cases/<id:pk>/", views.case_page, name="case"),
    path("cases/<id:pk>/export.csv", views.export, name="export"),
    path("cases/<id:pk>/triage", views.triage, name="triage"),
    path("cases/<id:pk>/note", views.note, name="note"),
    path("cases/<id:pk>/evidence", views.evidence, name="evidence"),
    path("cases/<id:pk>/evidence/<id:evidence_pk>", views.evidence_file, name="evidence_file"),
    path("cases/<id:pk>/notice", views.notice, name="notice"),
    path("cases/<id:pk>/respond", views.respond, name="respond"),
    path("cases/<id:pk>/invite-representative", views.invite_rep, name="invite_rep"),
    path("cases/<id:pk>/findings", views.findings, name="findings"),
    path("cases/<id:pk>/outcome", views.outcome, name="outcome"),
    path("cases/<id:pk>/acknowledge", views.acknowledge, name="acknowledge"),
    path("cases/<id:pk>/refusal", views.refusal, name="refusal"),
    path("cases/<id:pk>/close", views.close, name="close"),
    path("cases/<id:pk>/pause", views.pause, name="pause"),
    path("cases/<id:pk>/resume", views.resume, name="resume"),
    path("cases/<id:pk>/disclose", views.disclose, name="disclose"),
    path("cases/<id:pk>/hold", views.hold, name="hold"),
    path("d/<slug:district>/concerns/", public.concerns, name="public"),
]
