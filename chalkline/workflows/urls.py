"""The ``policies`` URL namespace, completed with its pages whose one call is a workflow.

``chalkline/urls.py`` includes this module under the ``policies`` namespace, so the publish page
keeps its name (``policies:publish``) while the policies app imports nothing that builds on it.
"""

from django.urls import URLPattern, URLResolver, path

from chalkline.policies import urls as policy_urls
from chalkline.workflows import views

urlpatterns: list[URLPattern | URLResolver] = [
    *policy_urls.urlpatterns,
    path("policies/versions/<id:pk>/publish/", views.publish_policy_version, name="publish"),
]
