"""Reviews and the Board under /reviews/."""

from django.urls import URLPattern, URLResolver, path

from chalkline.reviews import views

app_name = "reviews"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("policies/<id:pk>/schedule/", views.schedule, name="schedule"),
]
