"""Signed documents: every issued PDF carries its department's PAdES signature and is in the registry,
and the public verification page tells a genuine document from a changed, unknown or unsigned one.

The certificates come from a throwaway CA generated here (root CA -> one certificate per department);
the issued documents are rendered through the real tasks.
"""

import datetime
import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from applications import tasks as application_tasks
from applications.models import Application, Batch, CityForwarding
from core import signing
from core.models import IssuedDocument
from core.uploads import new_token
from reviews import publicity
from reviews.models import ReviewDocument

from ..applications.test_pdf import build_application, make_snapshot
from ..factories import ApplicationFactory, BatchFactory, UserFactory, county
from ..reviews.officer_setup import LANTIAN, SHIQUAN
from ..reviews.test_publicity import open_publicity

pytestmark = pytest.mark.django_db
ANKANG = "610900"
PASSPHRASE_ENV = "PORTAL_TEST_SIGNING_PASSPHRASE"


# The throwaway CA ------------------------------------------------------------------------------------
def _name(cn: str, org: str = "陕西省测试CA") -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, org), x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    )


def _usage(ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


class ThrowawayCA:
    def __init__(self, directory, name="测试根证书"):
        self.directory = directory
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        self.name = _name(name)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(self.name)
            .issuer_name(self.name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_usage(ca=True), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        self.root_path = directory / f"{id(self)}-root.pem"
        self.root_path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def department(self, key_name: str, common_name: str, *, passphrase: bytes | None = None) -> dict:
        """A department certificate (RSA 2048) signed by the root; the entry of PORTAL_SIGNING."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, org=common_name))
            .issuer_name(self.name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(ca=False), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        safe = key_name.replace(":", "-")
        encryption = (
            serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
        )
        key_path, cert_path = self.directory / f"{safe}.key", self.directory / f"{safe}.crt"
        key_path.write_bytes(
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
        )
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        entry = {
            "key": str(key_path),
            "cert": str(cert_path),
            "chain": [str(self.root_path)],
            "name": common_name,
        }
        if passphrase:
            entry["passphrase_env"] = PASSPHRASE_ENV
        return entry


@pytest.fixture
def departments(settings, tmp_path, monkeypatch):
    """The province's and Ankang's certificates from one throwaway CA, the province's key encrypted."""
    ca = ThrowawayCA(tmp_path)
    monkeypatch.setenv(PASSPHRASE_ENV, "口令-test-1")
    settings.PORTAL_SIGNING = {
        "province_ecology": ca.department(
            "province_ecology", "陕西省生态环境厅", passphrase="口令-test-1".encode()
        ),
        signing.city_key(ANKANG): ca.department(signing.city_key(ANKANG), "安康市生态环境局"),
    }
    settings.PORTAL_SIGNING_TRUST_ROOTS = [str(ca.root_path)]
    settings.PORTAL_SIGNING_ALLOW_DEV = False
    return ca


def validate(data: bytes):
    """pyHanko's own verdict on the signature, against the configured trust roots."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    (embedded,) = PdfFileReader(io.BytesIO(data)).embedded_signatures
    return validate_pdf_signature(embedded, ValidationContext(trust_roots=signing.trust_roots()))


def assert_issued(obj, stored, *, kind: str, issuer: str, signer_cn: str, document_no: str = ""):
    data = stored.read()
    status = validate(data)
    assert status.bottom_line and status.trusted and status.intact and status.valid
    assert status.coverage.name == "ENTIRE_FILE" and status.modification_level.name == "NONE"
    assert status.signing_cert.subject.native["common_name"] == signer_cn
    record = IssuedDocument.objects.get(sha256=signing.sha256(data))
    assert (record.kind, record.issuer, record.document_no, record.development) == (
        kind,
        issuer,
        document_no,
        False,
    )
    assert record.object_id == str(obj.pk) and record.content_type.model_class() is type(obj)
    assert record.storage_path == stored.name and record.size == len(data)
    verdict = signing.verify_pdf(data)
    assert verdict.status == signing.GENUINE and verdict.record == record
    return data


@pytest.fixture
def shortlist(db):
    batch = BatchFactory(state=Batch.State.PROVINCIAL_REVIEW, name="第二批")
    for code in (SHIQUAN, LANTIAN):
        ApplicationFactory(batch=batch, organisation=county(code), state=Application.State.SHORTLISTED)
    return batch, None


# Each issued document type ---------------------------------------------------------------------------
def test_annex1_version_is_signed_by_the_province_and_registered(departments):
    application, _ = build_application("county")
    snapshot = make_snapshot(application)
    assert application_tasks.render_snapshot_pdf(snapshot.pk) is True
    snapshot.refresh_from_db()
    assert_issued(
        snapshot,
        snapshot.pdf,
        kind="applications.annex1",
        issuer="陕西省生态环境厅",
        signer_cn="陕西省生态环境厅",
    )
    assert application_tasks.render_snapshot_pdf(snapshot.pk) is False  # idempotent: one registry row
    assert IssuedDocument.objects.count() == 1


def test_cover_letter_is_signed_by_the_city_bureau_with_its_number(departments):
    application, _ = build_application("county")  # 石泉县, 安康
    forwarding = CityForwarding.objects.create(
        batch=application.batch,
        review_unit=application.organisation.review_unit,
        document_no="安环函〔2026〕12号",
        letter_text="现将推荐名单报送你厅，请予审核。",
        letter_is_generated=True,
        forwarded_by=UserFactory(),
        token=new_token(),
    )
    forwarding.applications.set([application])
    assert application_tasks.render_forwarding_letter(forwarding.pk) is True
    forwarding.refresh_from_db()
    assert_issued(
        forwarding,
        forwarding.letter,
        kind="applications.cover_letter",
        issuer="安康市生态环境局",
        signer_cn="安康市生态环境局",
        document_no="安环函〔2026〕12号",
    )


def test_publicity_notice_and_pilot_list_are_signed_and_the_score_sheet_is_not(
    departments,
    shortlist,
    province,
    django_capture_on_commit_callbacks,
):
    batch, _apps = shortlist
    batch.document_no = "陕环函〔2026〕7号"
    batch.save(update_fields=["document_no"])
    with django_capture_on_commit_callbacks(execute=True):
        batch = open_publicity(batch, province)
    with django_capture_on_commit_callbacks(execute=True):
        publicity.publicity_confirm(batch=batch, by=province)
    for kind in (ReviewDocument.Kind.PUBLICITY_LIST, ReviewDocument.Kind.PILOT_LIST):
        document = ReviewDocument.objects.get(batch=batch, kind=kind)
        assert_issued(
            document,
            document.file,
            kind=f"reviews.{kind}",
            issuer="陕西省生态环境厅",
            signer_cn="陕西省生态环境厅",
            document_no="陕环函〔2026〕7号",
        )
    # Both are found by their number on the public page.
    page = Client().post(reverse("core:verify"), {"number": " 陕环函〔2026〕7号 "}).text
    assert page.count("陕西省生态环境厅") >= 2 and "拟入选名单的公示" in page and "试点名单" in page


def test_a_department_without_a_key_cannot_issue_in_production(departments, settings):
    settings.PORTAL_SIGNING = {"province_ecology": settings.PORTAL_SIGNING["province_ecology"]}
    with pytest.raises(signing.SigningNotConfigured):
        signing.sign_pdf(b"%PDF-1.7", signer_key=signing.city_key("610100"))
    settings.PORTAL_SIGNING = {}
    with pytest.raises(signing.SigningNotConfigured):
        signing.sign_pdf(b"%PDF-1.7", signer_key=signing.PROVINCE)


# The verification page -------------------------------------------------------------------------------
@pytest.fixture
def issued(departments):
    """A registered cover letter's stored bytes."""
    application, _ = build_application("county")
    forwarding = CityForwarding.objects.create(
        batch=application.batch,
        review_unit=application.organisation.review_unit,
        document_no="安环函〔2026〕3号",
        letter_text="特此函告。",
        letter_is_generated=True,
        forwarded_by=UserFactory(),
        token=new_token(),
    )
    forwarding.applications.set([application])
    application_tasks.render_forwarding_letter(forwarding.pk)
    forwarding.refresh_from_db()
    return forwarding.letter.read()


def upload(data: bytes, name: str = "letter.pdf"):
    response = Client().post(
        reverse("core:verify"), {"pdf": SimpleUploadedFile(name, data, "application/pdf")}
    )
    assert response.status_code == 200
    return response


def status_of(response) -> str:
    return response.context["verdict"].status


def test_the_page_says_a_genuine_document_is_genuine_and_who_issued_it(issued):
    response = upload(issued)
    assert status_of(response) == signing.GENUINE
    page = response.text
    assert "真实有效" in page and "安康市生态环境局" in page and "安环函〔2026〕3号" in page
    assert "开发环境的测试签名" not in page


def test_signing_and_verifying_work_inside_a_running_event_loop(issued, monkeypatch):
    """pyHanko's synchronous API calls asyncio.run(), which refuses a thread whose loop is running (an ASGI
    server's, a browser-driving test session's): CI found the backup tests failing after the browser tests,
    and the verification would have said "changed" of a genuine document."""
    import asyncio

    from weasyprint import HTML

    unsigned = HTML(string="<p>测试</p>").write_pdf()
    # As under the browser tests' loop: synchronous code (and its queries) running while a loop runs.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    async def inside_a_loop():
        signed = signing.sign_pdf(unsigned, signer_key=signing.PROVINCE, reason="测试")
        return signing.verify_pdf(issued).status, signing.verify_pdf(signed, lookup=False).status

    issued_status, signed_status = asyncio.run(inside_a_loop())
    # The signatures validate (trusted, unaltered): without the fix verification said CHANGED.
    assert issued_status in (signing.GENUINE, signing.UNKNOWN)
    assert signed_status in (signing.GENUINE, signing.UNKNOWN)


def test_the_page_rejects_a_pdf_whose_bytes_were_altered(issued):
    # One byte inside the first content stream: the file still parses, the signed digest no longer matches.
    at = issued.index(b"stream\n") + 40
    altered = issued[:at] + bytes([issued[at] ^ 0x01]) + issued[at + 1 :]
    response = upload(altered)
    assert status_of(response) == signing.CHANGED
    assert "文件已被改动" in response.text and "真实有效" not in response.text


def test_the_page_rejects_a_pdf_with_an_incremental_update_appended(issued):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.stamp import TextStamp, TextStampStyle

    writer = IncrementalPdfFileWriter(io.BytesIO(issued))
    TextStamp(writer, TextStampStyle(stamp_text="VOID")).apply(0, x=50, y=50)
    out = io.BytesIO()
    writer.write(out)
    updated = out.getvalue()
    assert updated.startswith(issued)  # the signed revision itself is untouched
    response = upload(updated)
    verdict = response.context["verdict"]
    assert verdict.status == signing.CHANGED
    assert verdict.modification == "签名后内容被修改"
    assert "之后文件被追加了修改" in response.text


def test_the_page_does_not_vouch_for_a_signed_pdf_the_registry_does_not_know(departments):
    from core.pdf import html_to_pdf

    signed = signing.sign_pdf(html_to_pdf("<p>伪造的通知</p>"), signer_key=signing.PROVINCE)
    response = upload(signed)
    assert status_of(response) == signing.UNKNOWN
    assert "没有签发过与此完全相同的文件" in response.text


def test_the_page_rejects_a_signature_from_another_ca(issued, settings, tmp_path):
    from core.pdf import html_to_pdf

    stranger = ThrowawayCA(tmp_path, name="外部CA")
    settings.PORTAL_SIGNING = {
        "province_ecology": stranger.department("province_ecology", "陕西省生态环境厅")
    }
    signed = signing.sign_pdf(html_to_pdf("<p>通知</p>"), signer_key=signing.PROVINCE)
    # The trust roots are still those of the departments' CA only.
    assert status_of(upload(signed)) == signing.UNTRUSTED


def test_the_page_says_an_unsigned_pdf_is_not_issued_here(departments):
    from core.pdf import html_to_pdf

    assert status_of(upload(html_to_pdf("<p>未签名</p>"))) == signing.UNSIGNED


def test_the_page_checks_type_by_content_and_size(departments, settings):
    response = upload(b"\x89PNG\r\n\x1a\n a picture named like a pdf", name="notice.pdf")
    assert "verdict" not in response.context and "只能核验PDF文件" in response.text
    response = upload(b"MZ an executable", name="notice.pdf")
    assert "verdict" not in response.context and "文件类型不符合要求" in response.text
    settings.PORTAL_VERIFY_MAX_BYTES = 1024 * 1024
    response = upload(b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1))
    assert "verdict" not in response.context and "文件过大" in response.text
    response = Client().post(reverse("core:verify"), {"number": ""})
    assert "请上传PDF文件，或输入文号" in response.text


def test_an_unknown_document_number_is_said_to_be_unknown(issued):
    response = Client().post(reverse("core:verify"), {"number": "陕环发〔2099〕1号"})
    assert response.context["numbered"] == []
    assert "没有签发过此文号的文件" in response.text
    assert 'value="陕环发〔2099〕1号"' in response.text  # what was typed stays in the form


def test_the_page_needs_no_login(issued):
    assert Client().get(reverse("core:verify")).status_code == 200


# Development mode ----------------------------------------------------------------------------------
def test_without_keys_documents_carry_a_development_signature_and_the_page_says_so(settings, tmp_path):
    settings.PORTAL_SIGNING, settings.PORTAL_SIGNING_TRUST_ROOTS = {}, []
    settings.PORTAL_SIGNING_ALLOW_DEV = True
    settings.PORTAL_SIGNING_DEV_DIR = tmp_path / "signing-dev"
    application, _ = build_application("county")
    snapshot = make_snapshot(application)
    application_tasks.render_snapshot_pdf(snapshot.pk)
    snapshot.refresh_from_db()
    assert (tmp_path / "signing-dev" / signing.DEV_SIGNER).exists()
    assert IssuedDocument.objects.get().development is True
    response = upload(snapshot.pdf.read())
    assert status_of(response) == signing.GENUINE
    assert "开发环境的测试签名" in response.text and "不具法律效力" in response.text
