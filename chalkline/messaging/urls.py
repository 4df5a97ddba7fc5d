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
    # family and student accounts, preferences, contact restrictions (m18a)
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/b/<id:pk>/", views.invitations_building, name="invitations_building"),
    path("claim/<str:token>/", views.claim, name="claim"),
    path("sign-in/", views.request_sign_in_link, name="request_sign_in_link"),
    path("sign-in/<str:token>/", views.sign_in_link, name="sign_in_link"),
    path("preferences/", views.preferences, name="preferences"),
    path("restrictions/", views.restrictions, name="restrictions"),
    path("restrictions/s/<id:pk>/", views.restrictions_student, name="restrictions_student"),
    path("restrictions/<id:pk>/end", views.restriction_end, name="restriction_end"),
    path("settings/families/", views.family_settings, name="family_settings"),
]
