from django.urls import path

from chalkline.registry import public, views

app_name = "registry"

urlpatterns = [
    path("registry/", views.apps, name="apps"),
    path("registry/request/", views.request_app, name="request"),
    path("registry/import/", views.import_csv, name="import"),
    path("registry/privacy-page/", views.privacy_settings, name="privacy_settings"),
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
