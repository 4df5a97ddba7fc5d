from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "chalkline.api"
    label = "api"
    verbose_name = "JSON API (/api/v1)"
