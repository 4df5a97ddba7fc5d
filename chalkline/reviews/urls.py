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
    path("r/<id:pk>/upload/", views.upload_draft, name="upload_draft"),
    path("r/<id:pk>/model/", views.model_updates, name="model_updates"),
    path("model/<id:pk>/changes/<int:index>/", views.model_change, name="model_change"),
    path("r/<id:pk>/comments/", views.comment, name="comment"),
    path("comments/<id:pk>/resolve/", views.resolve, name="resolve"),
    path("r/<id:pk>/board/", views.place_on_agenda, name="place_on_agenda"),
    path("board/", views.board, name="board"),
    path("board/<id:pk>/", views.board_item, name="board_item"),
    path("board/<id:pk>/reading/", views.reading, name="reading"),
    path("board/<id:pk>/memo/", views.cover_memo, name="cover_memo"),
    path("board/<id:pk>/packet/", views.make_packet, name="make_packet"),
    path("packets/<id:pk>/", views.packet, name="packet"),
    # board/<id:pk>/adopt/ (name "adopt") is chalkline.workflows.review_views, added to this
    # namespace by chalkline/workflows/review_urls.py: adoption publishes and may open a campaign.
]
