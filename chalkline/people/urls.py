from django.urls import path

from chalkline.people import sign_in_views, views

app_name = "people"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("buildings/<id:pk>/", views.building_directory, name="building"),
    path("people/<id:pk>/", views.person_detail, name="person"),
    path("classes/<id:pk>/", views.class_detail, name="class"),
    path("imports/", views.imports, name="imports"),
    path("imports/upload/", views.import_upload, name="import_upload"),
    path("imports/take-over/", views.import_takeover, name="import_takeover"),
    path("imports/<id:pk>/", views.import_detail, name="import_detail"),
    path("imports/<id:pk>/report/", views.import_report, name="import_report"),
    path("roles/", views.role_suggestions, name="role_suggestions"),
    path("roles/<id:pk>/decide/", views.role_suggestion_decide, name="role_suggestion_decide"),
    # Sign-in settings: the district's providers and local passwords (issue 20)
    path("sign-in/", sign_in_views.sign_in_settings, name="sign_in"),
    path("sign-in/providers/new/", sign_in_views.provider_new, name="sign_in_provider_new"),
    path("sign-in/providers/<id:pk>/", sign_in_views.provider_edit, name="sign_in_provider"),
    path(
        "sign-in/providers/<id:pk>/active/",
        sign_in_views.provider_active,
        name="sign_in_provider_active",
    ),
    path("sign-in/passwords/", sign_in_views.local_passwords, name="sign_in_passwords"),
]
