from django.apps import AppConfig


class DraftsConfig(AppConfig):
    name = "chalkline.drafts"
    label = "drafts"
    verbose_name = "Check a draft"
