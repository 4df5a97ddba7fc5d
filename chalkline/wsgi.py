import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chalkline.settings")
application = get_wsgi_application()


def _warm_up_screening() -> None:
    # The screening prefilter is compiled (about a second) or loaded from its cache on first
    # use; a web process does it now, beside serving, so no request waits for it.
    from chalkline.screening import prefilter

    prefilter.warm_up()


threading.Thread(target=_warm_up_screening, name="screening-warm-up", daemon=True).start()
