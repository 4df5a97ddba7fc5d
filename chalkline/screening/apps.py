from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "chalkline.screening"
    label = "screening"
    verbose_name = "Screening engine"
