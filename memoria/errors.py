"""The site's answer to an uncaught error: 503 while the database cannot be reached, 500 otherwise."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as default_server_error

# While PostgreSQL restarts or a connection drops: a clean page that says "try again", and a
# client or proxy that retries after this many seconds.
RETRY_AFTER_SECONDS = 30


@requires_csrf_token
def server_error(request, template_name="500.html"):
    # Django calls the handler inside its `except`: the error is the one being handled.
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return default_server_error(request, template_name)
