"""Upload checks: the type is decided by the file's first bytes, never by its name."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext, gettext_lazy

# signature -> (content type, extension, label)
SIGNATURES = [
    (b"%PDF-", ("application/pdf", ".pdf", "PDF")),
    (b"\x89PNG\r\n\x1a\n", ("image/png", ".png", "PNG")),
    (b"\xff\xd8\xff", ("image/jpeg", ".jpg", "JPEG")),
    (b"PK\x03\x04", ("application/zip", ".zip", "Office/ZIP")),
]
OFFICE_TYPES = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}
DOCUMENT_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    OFFICE_TYPES["word/"][0],
    OFFICE_TYPES["xl/"][0],
}
ALLOWED_LABEL = gettext_lazy("PDF、JPG、PNG、DOCX、XLSX")


def sniff(uploaded) -> tuple[str, str]:
    """(content type, extension) from the content; ValidationError if not an accepted type."""
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    for signature, (content_type, extension, _label) in SIGNATURES:
        if head.startswith(signature):
            if content_type == "application/zip":
                return _office_type(uploaded)
            return content_type, extension
    raise ValidationError(
        gettext("文件类型不符合要求：仅接受 %(ALLOWED_LABEL)s 文件（按文件内容识别，而非扩展名）。")
        % {"ALLOWED_LABEL": ALLOWED_LABEL}
    )


def _office_type(uploaded) -> tuple[str, str]:
    import zipfile

    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile as exc:
        raise ValidationError(gettext("文件已损坏，无法识别。")) from exc
    finally:
        uploaded.seek(0)
    for prefix, (content_type, extension) in OFFICE_TYPES.items():
        if any(n.startswith(prefix) for n in names):
            return content_type, extension
    raise ValidationError(
        gettext("文件类型不符合要求：仅接受 %(ALLOWED_LABEL)s 文件。") % {"ALLOWED_LABEL": ALLOWED_LABEL}
    )


def validate_upload(uploaded, *, allowed: set[str] | None = None) -> tuple[str, str]:
    limit = settings.UPLOAD_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            gettext("文件过大：%(size).1f MB，单个文件不得超过 %(limit)d MB。")
            % {"size": uploaded.size / 1048576, "limit": limit // 1048576}
        )
    if uploaded.size == 0:
        raise ValidationError(gettext("文件为空。"))
    content_type, extension = sniff(uploaded)
    if allowed is not None and content_type not in allowed:
        raise ValidationError(gettext("此处只接受 PDF 或图片文件（签字盖章后的扫描件）。"))
    return content_type, extension


def new_token() -> str:
    return secrets.token_hex(16)


def serve_file(field_file, *, download_name: str, content_type: str) -> FileResponse:
    """Stream a stored file; callers have already checked the user may see it."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(gettext("文件不存在")) from exc
    response = FileResponse(handle, as_attachment=True, filename=download_name, content_type=content_type)
    from .security import Kind, record_security_event

    record_security_event(
        Kind.DOWNLOAD,
        summary=download_name,
        detail={"file": download_name, "stored": field_file.name, "content_type": content_type},
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
