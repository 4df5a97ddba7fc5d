import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chalkline.settings")
application = get_wsgi_application()

from chalkline.lib.startup import refuse_placeholder_secret_key  # noqa: E402 - needs settings

refuse_placeholder_secret_key()
