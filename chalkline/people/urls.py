from django.urls import path

from chalkline.people import views

app_name = "people"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("buildings/<id:pk>/", views.building_directory, name="building"),
    path("people/<id:pk>/", views.person_detail, name="person"),
]
