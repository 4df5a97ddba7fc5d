"""The public portal's review pages, beside the policy portal under /d/<district>/."""

from django.urls import URLPattern, URLResolver, path

from chalkline.reviews import portal

app_name = "reviews_portal"

urlpatterns: list[URLPattern | URLResolver] = [
    path("d/<slug:district>/first-reading/", portal.first_reading, name="first_reading"),
    path(
        "d/<slug:district>/adoption-history/<policynumber:number>/",
        portal.history,
        name="history",
    ),
]
