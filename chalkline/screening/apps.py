from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "chalkline.screening"
    label = "screening"
    verbose_name = "Screening engine"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deploy check
