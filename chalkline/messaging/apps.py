from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "chalkline.messaging"
    label = "messaging"
    verbose_name = "Messaging hub"
