from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    """Installed for its management commands (``import-policy``, ``assign-new-hire-steps``), the
    links between domain apps that neither may hold (``models.CampaignTraining``), and the place
    where the audit page learns which page shows each kind of target (``audit_targets``)."""

    name = "chalkline.workflows"
    label = "workflows"
    verbose_name = "Cross-app workflows"

    def ready(self) -> None:
        from chalkline.workflows import audit_targets, channels, message_referral, training_steps

        audit_targets.register()
        channels.register()
        training_steps.register()
        message_referral.register()
