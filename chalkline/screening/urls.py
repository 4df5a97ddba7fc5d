from django.urls import path

from chalkline.screening import views

app_name = "screening"

urlpatterns = [
    path("check/", views.check, name="check"),
    path("check/keep", views.keep, name="keep"),
]
