from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "chalkline.outbox"
    label = "outbox"
    verbose_name = "Outbound mail"
