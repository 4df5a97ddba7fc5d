from django.urls import path

from chalkline.api import views

app_name = "api"

urlpatterns = [
    path("openapi.json", views.openapi, name="openapi"),
    path("screen", views.screen_message, name="screen"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<id:pk>/revoke", views.revoke_token, name="revoke_token"),
]
