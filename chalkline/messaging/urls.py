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
    path("m/<id:pk>/files/<int:position>", views.download, name="attachment"),
    path("media-releases/", views.media_index, name="media_index"),
    path("media-releases/unknown", views.media_unknown, name="media_unknown"),
    path("media-releases/b/<id:pk>/", views.media_building, name="media_building"),
]
