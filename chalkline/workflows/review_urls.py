"""The ``reviews`` URL namespace, completed with its page whose one call is a workflow.

``chalkline/urls.py`` includes this module under the ``reviews`` namespace, so the adoption page
is ``reviews:adopt`` while the reviews app imports nothing that builds on it.
"""

from django.urls import URLPattern, URLResolver, path

from chalkline.reviews import urls as review_urls
from chalkline.workflows import review_views

urlpatterns: list[URLPattern | URLResolver] = [
    *review_urls.urlpatterns,
    path("board/<id:pk>/adopt/", review_views.adopt, name="adopt"),
]
