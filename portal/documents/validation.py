"""What may be uploaded: an allow-list of types, recognised by content, and a size limit."""

from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

# content type -> (what people call it, the file-name extensions it may carry)
ALLOWED = {
    "application/pdf": ("PDF", {".pdf"}),
    "image/png": ("PNG image", {".png"}),
    "image/jpeg": ("JPEG image", {".jpg", ".jpeg"}),
    "image/gif": ("GIF image", {".gif"}),
    "image/webp": ("WebP image", {".webp"}),
    "image/heic": ("HEIC photo", {".heic"}),
    "text/plain": ("text file", {".txt", ".csv", ".md"}),
    "application/rtf": ("RTF document", {".rtf"}),
    "application/msword": ("Word document", {".doc"}),
    "application/vnd.ms-excel": ("Excel workbook", {".xls"}),
    "application/vnd.ms-powerpoint": ("PowerPoint presentation", {".ppt"}),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "Word document",
        {".docx"},
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "Excel workbook",
        {".xlsx"},
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "PowerPoint presentation",
        {".pptx"},
    ),
    "application/vnd.oasis.opendocument.text": ("OpenDocument text", {".odt"}),
    "application/vnd.oasis.opendocument.spreadsheet": ("OpenDocument spreadsheet", {".ods"}),
    "application/vnd.oasis.opendocument.presentation": ("OpenDocument presentation", {".odp"}),
}
IMAGE_TYPES = {t for t in ALLOWED if t.startswith("image/")}
ALLOWED_SUMMARY = (
    "PDF, images (PNG, JPEG, GIF, WebP, HEIC), text, Word, Excel, PowerPoint, OpenDocument"
)
SNIFF_BYTES = 8192
MARKUP_MARKERS = (b"<html", b"<!doctype", b"<script", b"<svg", b"<?xml", b"<iframe")


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 4:
            return False
    stripped = head.lstrip().lower()
    return not stripped.startswith(MARKUP_MARKERS)


def sniff(uploaded) -> str | None:
    """The content type the bytes say, whatever the name says; None when unknown."""
    uploaded.seek(0)
    head = uploaded.read(SNIFF_BYTES)
    uploaded.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if head and _looks_like_text(head):
        return "text/plain"
    return None


def check_upload(uploaded, *, allowed=ALLOWED) -> str:
    """Refuse what is too large, not allowed, or not what its name says. Returns the type."""
    limit = settings.DOCUMENT_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            f"“{uploaded.name}” is {filesizeformat(uploaded.size)}; the limit is "
            f"{filesizeformat(limit)}. Nothing was stored."
        )
    if uploaded.size == 0:
        raise ValidationError(f"“{uploaded.name}” is empty. Nothing was stored.")
    content_type = sniff(uploaded)
    if content_type not in allowed:
        raise ValidationError(
            f"“{uploaded.name}” is not a type of file the portal accepts "
            f"({', '.join(sorted({name for name, _ in allowed.values()}))}). Nothing was stored."
        )
    name, extensions = allowed[content_type]
    extension = PurePath(uploaded.name).suffix.lower()
    if extension not in extensions:
        raise ValidationError(
            f"“{uploaded.name}” contains a {name}, but its name ends in "
            f"“{extension or 'nothing'}”. Rename it to end in {' or '.join(sorted(extensions))} "
            "and try again. Nothing was stored."
        )
    return content_type
