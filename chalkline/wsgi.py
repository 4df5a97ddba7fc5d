import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chalkline.settings")
application = get_wsgi_application()

from chalkline.lib.startup import refuse_placeholder_secret_key  # noqa: E402 - needs settings

refuse_placeholder_secret_key()

# A web process starting after a crash: remove the temporary uploads a killed one left.
from chalkline.people.uploads import clean_at_startup  # noqa: E402

clean_at_startup()
