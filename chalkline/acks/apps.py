from django.apps import AppConfig


class AcksConfig(AppConfig):
    name = "chalkline.acks"
    label = "acks"
    verbose_name = "Acknowledgment campaigns"
