"""WSGI entry point for gunicorn and other servers."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saram.settings")
application = get_wsgi_application()

if settings.IS_PRODUCTION:
    # A wrong personal-data key stops the server here, instead of every look-up missing.
    from saram.core.personal_data import verify_personal_data_key

    verify_personal_data_key()
