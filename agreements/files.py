"""The signed agreement as a download, the same for the portal and the API.

Always an attachment with ``nosniff``: a browser never renders it inline, so a file that got
past the content check could still not run as a page of ours.
"""

from __future__ import annotations

import mimetypes
import os

from django.http import FileResponse, Http404

from .models import Agreement


def signed_file_response(agreement: Agreement) -> FileResponse:
    """The agreement's signed file, or Http404 when it has none (or it is gone from storage)."""
    if not agreement.signed_file:
        raise Http404
    name = os.path.basename(agreement.signed_file.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    try:
        handle = agreement.signed_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
