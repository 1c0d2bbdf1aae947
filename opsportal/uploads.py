"""Checking an uploaded file before anything reads it: its size, and its type by content.

The name and the browser's Content-Type are the uploader's claims; the first bytes are not.
``check_upload(file, kinds={"csv", "xlsx"})`` returns the kind found or raises a
ValidationError a person can act on. Forms use ``UploadValidator`` on their FileField.
"""

from __future__ import annotations

import codecs
import os
import zipfile
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

DEFAULT_MAX_BYTES = getattr(settings, "OPSPORTAL_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# A spreadsheet that inflates beyond this (or 100× its size) is a zip bomb, not a sheet. Both
# limits hold together: the ratio catches a small bomb, the absolute cap a large upload (a 20 MB
# file at 100× would still be 2 GB).
MAX_UNZIPPED_BYTES = getattr(settings, "OPSPORTAL_UPLOAD_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024)
MAX_RATIO = 100
# openpyxl streams worksheets in read-only mode but loads the other parts whole (shared strings,
# styles, the workbook): each of those may inflate to this much at most, which bounds memory.
MAX_WHOLE_PART_BYTES = getattr(settings, "OPSPORTAL_UPLOAD_MAX_PART_BYTES", 32 * 1024 * 1024)
HEAD = 8192

MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "zip": (b"PK\x03\x04",),
}
EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".json": "json",
    ".xlsx": "xlsx",
    ".pdf": "pdf",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".gif": "gif",
    ".webp": "webp",
}
LABELS = {
    "csv": "CSV",
    "json": "JSON",
    "xlsx": "Excel (.xlsx)",
    "pdf": "PDF",
    "png": "PNG",
    "jpeg": "JPEG",
    "gif": "GIF",
    "webp": "WebP",
}


def check_upload(upload, *, kinds: Iterable[str], max_bytes: int | None = None) -> str:
    """The kind of ``upload`` (one of ``kinds``), after checking its size and its content.

    Raises ValidationError when the file is empty, too large, of another kind than allowed,
    or named as one kind while its content is another. Leaves the file at position 0.
    """
    kinds = set(kinds)
    max_bytes = max_bytes or DEFAULT_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
        )
    upload.seek(0)
    head = upload.read(HEAD)
    upload.seek(0)
    found = sniff(head, upload)
    if found == "json" and "json" not in kinds and "csv" in kinds:
        found = "csv"  # text that happens to start with a bracket is still text
    claimed = EXTENSIONS.get(os.path.splitext(getattr(upload, "name", "") or "")[1].lower())
    allowed = ", ".join(sorted(LABELS.get(k, k) for k in kinds))
    if found not in kinds:
        raise ValidationError(
            _("This file's content is not an allowed type (allowed: %(allowed)s)."),
            code="type",
            params={"allowed": allowed},
        )
    if claimed and claimed != found:
        raise ValidationError(
            _("The file is named as %(claimed)s but its content is %(found)s."),
            code="mismatch",
            params={"claimed": LABELS.get(claimed, claimed), "found": LABELS.get(found, found)},
        )
    return found


def sniff(head: bytes, upload=None) -> str:
    """The kind of content by its first bytes: pdf, png, jpeg, gif, webp, xlsx, json, csv or ''."""
    for kind, signatures in MAGIC.items():
        if head.startswith(signatures):
            if kind == "zip":
                return "xlsx" if upload is not None and _is_xlsx(upload) else ""
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    text = _as_text(head)
    if text is None:
        return ""
    stripped = text.lstrip("\ufeff \t\r\n")
    return "json" if stripped[:1] in ("{", "[") else "csv"


def _as_text(head: bytes) -> str | None:
    """The head decoded as UTF-8 (or UTF-16 with a BOM), or None for binary content."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return head.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in head:
        return None
    try:
        # The head may end inside a multi-byte character: decode incrementally.
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        try:
            text = head.decode("cp1252")  # Excel's "CSV" on Windows
        except UnicodeDecodeError:
            return None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    return None if controls > max(2, len(text) // 100) else text


def _is_xlsx(upload) -> bool:
    """An Office Open XML workbook, and not one that inflates into a zip bomb."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = {info.filename for info in archive.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    check_inflation(upload)
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def check_inflation(upload, size: int | None = None) -> None:
    """Refuse a ZIP container (an .xlsx) that would inflate beyond the caps; read nothing else.

    Only the central directory is read. Its declared sizes are a true upper bound: Python's
    ``zipfile`` (which openpyxl reads through) never yields more than a member's declared size
    and fails on a CRC mismatch, so a member that lies about its size cannot inflate further.
    Raises ValidationError(code="zip_bomb"); a file that is not a ZIP passes (others judge it).
    Leaves the file at position 0.
    """
    if size is None:
        size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    finally:
        upload.seek(0)
    unzipped = sum(info.file_size for info in infos)
    whole = max(
        (info.file_size for info in infos if not info.filename.startswith("xl/worksheets/")),
        default=0,
    )
    if unzipped > MAX_UNZIPPED_BYTES or unzipped > MAX_RATIO * max(size, 1024 * 1024) or whole > MAX_WHOLE_PART_BYTES:
        raise ValidationError(_("The spreadsheet expands to an implausible size; it was refused."), code="zip_bomb")


@deconstructible
class UploadValidator:
    """For a form's FileField: ``validators=[UploadValidator({"csv", "xlsx"})]``."""

    def __init__(self, kinds: Iterable[str], max_bytes: int | None = None):
        self.kinds = frozenset(kinds)
        self.max_bytes = max_bytes

    def __call__(self, upload) -> None:
        check_upload(upload, kinds=self.kinds, max_bytes=self.max_bytes)

    def __eq__(self, other) -> bool:
        return isinstance(other, UploadValidator) and (self.kinds, self.max_bytes) == (other.kinds, other.max_bytes)
