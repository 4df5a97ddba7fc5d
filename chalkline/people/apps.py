from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "chalkline.people"
    label = "people"
    verbose_name = "People and districts"

    def ready(self) -> None:
        from chalkline.lib.sqlite import install_json_probe
        from chalkline.people import checks  # noqa: F401  (registers system checks)

        install_json_probe()  # SQLite's JSON check must not wait for another process's lock
