"""Training under /training/."""

from django.urls import URLPattern, URLResolver, path

from chalkline.training import views

app_name = "training"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.mine, name="mine"),
    path("e/<id:pk>/", views.module, name="module"),
    path("e/<id:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("s/<id:pk>/check-in/", views.check_in, name="check_in"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.training_new, name="training_new"),
    path("manage/settings/", views.training_settings, name="settings"),
    path("manage/t/<id:pk>/", views.training_detail, name="training"),
    path("manage/t/<id:pk>/sessions/new/", views.session_new, name="session_new"),
    path("manage/s/<id:pk>/", views.session_detail, name="session"),
    path("manage/s/<id:pk>/attendance/", views.attendance, name="attendance"),
    path("manage/s/<id:pk>/code/", views.code, name="code"),
    path("reports/", views.reports, name="reports"),
    path("reports/t/<id:pk>/", views.report, name="report"),
]
