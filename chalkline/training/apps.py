from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "chalkline.training"
    label = "training"
    verbose_name = "In-service training"
