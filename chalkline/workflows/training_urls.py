"""The ``steps`` URL namespace: a campaign's required training and the employee's two steps."""

from django.urls import URLPattern, URLResolver, path

from chalkline.workflows import training_views

app_name = "steps"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", training_views.my_steps, name="mine"),
    path("campaigns/<id:pk>/training/", training_views.campaign_training, name="campaign_training"),
]
