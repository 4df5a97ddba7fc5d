from django.urls import URLPattern, URLResolver

app_name = "acks"

urlpatterns: list[URLPattern | URLResolver] = []
