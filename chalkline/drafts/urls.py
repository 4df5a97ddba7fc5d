from django.urls import path

from chalkline.drafts import views

app_name = "drafts"

urlpatterns = [
    path("check/", views.check, name="check"),
    path("check/keep", views.keep, name="keep"),
]
