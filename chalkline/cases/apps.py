from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "chalkline.cases"
    label = "cases"
    verbose_name = "Cases"
