from django.urls import path

from chalkline.drafts import views

app_name = "drafts"

urlpatterns = [
    path("check/", views.check, name="check"),
    path("check/keep", views.keep, name="keep"),
    path("check/kept/", views.kept, name="kept"),
]
