from django.urls import path

from chalkline.messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.compose, name="compose"),
    path("new/check", views.compose_check, name="compose_check"),
    path("t/<id:pk>/", views.thread, name="thread"),
    path("t/<id:pk>/reply", views.reply, name="reply"),
    path("t/<id:pk>/check", views.reply_check, name="reply_check"),
    path("m/<id:pk>/retract", views.retract, name="retract"),
    path("settings/", views.settings_page, name="settings"),
    # the archive (m18e)
    path("archive/", views.archive, name="archive"),
    path("archive/t/<id:pk>/", views.archive_thread, name="archive_thread"),
    path("archive/exports/", views.archive_exports, name="archive_exports"),
    path(
        "archive/exports/<id:pk>/download",
        views.archive_export_download,
        name="archive_export_download",
    ),
]
