from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "chalkline.policies"
    label = "policies"
    verbose_name = "Policy library"
