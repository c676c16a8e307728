"""Dropping an oversized upload while the request body is read, before it reaches the disk.

Django parses a multipart body (already in the CSRF middleware) and spools files over
FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file before any view can look at their size. This
handler, first in FILE_UPLOAD_HANDLERS, skips a file as soon as the request announces, or the
file reaches, more than INTAKE_MAX_UPLOAD_MB; the view then reports the size (`too_large`).
The other form fields are still read, so the CSRF token and the options are not lost.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.utils.translation import gettext as _

from intake.parsing import max_upload_bytes

_FLAG = "dashkec_upload_too_large"
_FORM_OVERHEAD = 64 * 1024  # the other fields and multipart boundaries of one upload form


def too_large(request: HttpRequest) -> bool:
    """Whether a file of this request was dropped for its size."""
    return bool(getattr(request, _FLAG, False))


def show_refusal(request: HttpRequest, form: Any) -> None:
    """Put the size refusal on the form's file field (instead of "required")."""
    if request.method == "POST" and too_large(request):
        form.errors["file"] = form.error_class(
            [_("Berkas melebihi batas %(limit)s MB.") % {"limit": max_upload_bytes() // 1048576}]
        )


class UploadLimitHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.body_length = 0
        self.received = 0

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        self.body_length = content_length
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        if self.body_length > max_upload_bytes() + _FORM_OVERHEAD:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self) -> None:
        if self.request is not None:
            setattr(self.request, _FLAG, True)
        raise SkipFile
