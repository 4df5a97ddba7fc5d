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
    path("m/<id:pk>/status", views.delivery_status, name="delivery_status"),
    path("settings/", views.settings_page, name="settings"),
    # records retention and disposal (m18f)
    path("records/schedules/", views.schedules, name="records_schedules"),
    path("records/certificates/", views.certificates, name="records_certificates"),
    path(
        "records/certificates/<id:pk>/file", views.certificate_file, name="records_certificate_file"
    ),
    path("records/holds/", views.holds, name="records_holds"),
    path("records/holds/<id:pk>/release", views.release_hold, name="records_release_hold"),
    path("records/disposal/", views.disposal, name="records_disposal"),
    path("records/disposal/<id:pk>/", views.dispose, name="records_dispose"),
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
    # quiet hours and the review queue (m18d)
    path("m/<id:pk>/report", views.report, name="report"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<id:pk>/", views.review_item, name="review_item"),
    path("settings/quiet-hours/", views.quiet_hours, name="quiet_hours"),
    path("unreachable/", views.unreachable, name="unreachable"),
    path("office-hours/", views.office_hours, name="office_hours"),
    path("m/<id:pk>/files/<int:position>", views.download, name="attachment"),
    path("media-releases/", views.media_index, name="media_index"),
    path("media-releases/unknown", views.media_unknown, name="media_unknown"),
    path("media-releases/b/<id:pk>/", views.media_building, name="media_building"),
    # staff groups, a messaging audience
    path("groups/", views.staff_groups, name="staff_groups"),
    path("groups/<id:pk>/", views.staff_group, name="staff_group"),
    path("groups/<id:pk>/add", views.staff_group_add_member, name="staff_group_add_member"),
    path(
        "groups/<id:pk>/remove", views.staff_group_remove_member, name="staff_group_remove_member"
    ),
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
