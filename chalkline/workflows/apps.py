from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    """No models: installed for its management commands (``import-policy``)."""

    name = "chalkline.workflows"
    label = "workflows"
    verbose_name = "Cross-app workflows"
