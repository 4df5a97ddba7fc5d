from django.urls import path

from chalkline.registry import logo_views, public, views

app_name = "registry"

urlpatterns = [
    path("registry/", views.apps, name="apps"),
    path("registry/request/", views.request_app, name="request"),
    path("registry/import/", views.import_csv, name="import"),
    path("registry/privacy-page/", views.privacy_settings, name="privacy_settings"),
    path("registry/logo/", logo_views.mine, name="logo_mine"),
    path("registry/logo/request/", logo_views.request_permission, name="logo_request"),
    path("registry/logo/review/", logo_views.review, name="logo_review"),
    path("registry/logo/<id:pk>/grant", logo_views.grant, name="logo_grant"),
    path("registry/logo/<id:pk>/refuse", logo_views.refuse, name="logo_refuse"),
    path("registry/logo/<id:pk>/revoke", logo_views.revoke, name="logo_revoke"),
    path("registry/logo/images/", logo_views.add_image, name="logo_image_add"),
    path("registry/logo/images/<id:pk>/remove", logo_views.remove_image, name="logo_image_remove"),
    path("registry/breaches/", views.breaches, name="breaches"),
    path("registry/breaches/<id:pk>/", views.breach, name="breach"),
    path("registry/breaches/<id:pk>/recipients.csv", views.breach_recipients, name="recipients"),
    path("registry/<id:pk>/", views.app, name="app"),
    path("registry/<id:pk>/review", views.review, name="review"),
    path("registry/<id:pk>/changes", views.ask_changes, name="changes"),
    path("registry/<id:pk>/refuse", views.refuse, name="refuse"),
    path("registry/<id:pk>/approve", views.approve, name="approve"),
    path("registry/<id:pk>/post", views.post, name="post"),
    path("registry/<id:pk>/retire", views.retire, name="retire"),
    path("registry/<id:pk>/agreement.pdf", views.agreement, name="agreement"),
    path("d/<slug:district>/privacy/", public.privacy, name="public"),
    path(
        "d/<slug:district>/privacy/agreements/<id:pk>.pdf",
        public.posted_agreement,
        name="public_agreement",
    ),
]
