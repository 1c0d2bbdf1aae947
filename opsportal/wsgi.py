import io
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsportal.settings")
django_application = get_wsgi_application()

# Import every view now (in gunicorn's master with preload_app, once): a fresh worker then
# answers its first request at full speed instead of stalling while modules load.
from django.urls import get_resolver  # noqa: E402

_ = get_resolver().url_patterns


def _body_limit() -> int:
    from django.conf import settings

    # The largest body any door accepts: a bulk batch or an import file, plus form overhead.
    return max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.OPSPORTAL_IMPORT_MAX_BYTES) + 1024 * 1024


def application(environ, start_response):
    """Django reads ``CONTENT_LENGTH`` bytes; a chunked body has none and was read as empty.

    gunicorn de-chunks the body and marks the stream as terminated (``wsgi.input_terminated``),
    so it can be read to its end: buffer it (up to the largest body accepted) and give Django
    its length. A body over the limit keeps a length over the limit, so Django answers 413.
    """
    if (
        not environ.get("CONTENT_LENGTH")
        and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        and environ.get("wsgi.input_terminated")
    ):
        limit = _body_limit()
        body = environ["wsgi.input"].read(limit + 1)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
    return django_application(environ, start_response)
