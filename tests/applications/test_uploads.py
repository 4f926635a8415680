"""Uploads: type by content, size limit, stored outside the web root, served only with permission."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Attachment

from ..factories import PDF_BYTES, ApplicationFactory, county

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def draft():
    return ApplicationFactory(organisation=county("610922"))


def upload(client, application, name, content, kind="commitment_letter"):
    return client.post(
        reverse("applications:attachment_upload", args=[application.pk]),
        {"kind": kind, "title": "", "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_a_text_file_named_pdf_is_refused(draft, applicant_county, client_for):
    response = upload(client_for(applicant_county), draft, "承诺书.pdf", b"just text, not a pdf")
    assert "文件类型不符合要求" in response.content.decode()
    assert not Attachment.objects.exists()


def test_commitment_letter_must_be_pdf_or_image(draft, applicant_county, client_for):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    response = upload(client_for(applicant_county), draft, "承诺书.docx", buffer.getvalue())
    assert "签字盖章后的扫描件" in response.content.decode()
    response = upload(client_for(applicant_county), draft, "统计.docx", buffer.getvalue(), kind="statistics")
    assert Attachment.objects.get().content_type.endswith("wordprocessingml.document")


def test_size_limit_is_stated(draft, applicant_county, client_for, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    response = upload(client_for(applicant_county), draft, "big.pdf", PDF_BYTES + b"0" * (1024 * 1024))
    assert "不得超过 1 MB" in response.content.decode()
    assert not Attachment.objects.exists()


def test_png_is_accepted_and_stored_under_a_random_name_outside_the_web_root(
    draft, applicant_county, client_for, settings
):
    upload(client_for(applicant_county), draft, "../../etc/passwd.png", PNG)
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    assert "passwd" not in attachment.file.name and attachment.file.name.endswith(".png")
    assert str(settings.MEDIA_ROOT) in attachment.file.path
    assert not str(settings.MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))


def test_download_is_checked_per_object(draft, applicant_county, applicant_xian, client_for):
    upload(client_for(applicant_county), draft, "承诺书.pdf", PDF_BYTES)
    attachment = Attachment.objects.get()
    url = reverse("applications:attachment_download", args=[draft.pk, attachment.pk])
    own = client_for(applicant_county).get(url)
    assert own.status_code == 200 and b"".join(own.streaming_content) == PDF_BYTES
    assert own["Content-Type"] == "application/pdf" and own["X-Content-Type-Options"] == "nosniff"
    assert client_for(applicant_xian).get(url).status_code == 404
    # The media path is not routed at all.
    assert client_for(applicant_county).get("/media/" + attachment.file.name).status_code == 404
