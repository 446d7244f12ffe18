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

# Every view module (and what it imports: polars for the imports, the engines) is loaded here,
# as each worker starts, instead of by the first request that reaches each worker.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
