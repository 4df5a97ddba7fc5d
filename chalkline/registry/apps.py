from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "chalkline.registry"
    label = "registry"
    verbose_name = "Approved accounts and applications"
