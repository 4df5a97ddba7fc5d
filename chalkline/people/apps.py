from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "chalkline.people"
    label = "people"
    verbose_name = "People and districts"

    def ready(self) -> None:
        from chalkline.people import checks  # noqa: F401  (registers system checks)
