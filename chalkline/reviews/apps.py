from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "chalkline.reviews"
    label = "reviews"
    verbose_name = "Policy reviews and the Board"
