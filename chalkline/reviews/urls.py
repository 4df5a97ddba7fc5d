"""Reviews and the Board under /reviews/."""

from django.urls import URLPattern, URLResolver, path

from chalkline.reviews import views

app_name = "reviews"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("policies/<id:pk>/schedule/", views.schedule, name="schedule"),
    path("policies/<id:pk>/open/", views.open_review, name="open"),
    path("all/", views.review_list, name="reviews"),
    path("r/<id:pk>/", views.review_detail, name="review"),
    path("r/<id:pk>/draft/", views.edit_draft, name="edit_draft"),
    path("r/<id:pk>/comments/", views.comment, name="comment"),
    path("comments/<id:pk>/resolve/", views.resolve, name="resolve"),
]
