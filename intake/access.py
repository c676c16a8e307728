"""Who may send files and who sees an upload: shared by the values and the APBDes pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from accounts.scoping import scope_of
from intake.models import Upload


def require_writer(request: HttpRequest) -> None:
    """404 unless the user holds a role that may write data somewhere."""
    if not scope_of(request.user).may_write_somewhere():
        raise Http404("no role that may write data")


def own_upload_or_404(request: HttpRequest, pk: int, kind: str | tuple[str, ...]) -> Upload:
    """An upload is seen by the one who sent it and by national administrators only."""
    kinds = (kind,) if isinstance(kind, str) else kind
    upload = get_object_or_404(Upload, pk=pk, kind__in=kinds)
    scope = scope_of(request.user)
    if upload.uploaded_by_id != request.user.pk and not (scope.national and scope.is_admin):
        raise Http404("not this user's upload")
    return upload
