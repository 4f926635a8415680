"""The one owner of document signatures: every issued PDF is signed here (pyHanko, PAdES baseline B-B)
and registered in core.models.IssuedDocument; the public page /verify/ checks them.

Keys come from configuration, never from the repository: settings.PORTAL_SIGNING maps an issuing
department's key ("province_ecology", "city:610100", or "default" for any department without its own) to
{"key": path, "cert": path, "chain": [paths], "passphrase_env": name, "name": display name}, and
settings.PORTAL_SIGNING_TRUST_ROOTS lists the CA certificates a signature must chain to.

With no PORTAL_SIGNING at all (`make run`, the test suite), documents are signed with a development
certificate generated once into settings.PORTAL_SIGNING_DEV_DIR (var/, not committed); the verification
page says such a signature is a development one. Production refuses to sign without configured keys
(PORTAL_SIGNING_ALLOW_DEV = False): the task fails, is retried and swept, and no unsigned document is
issued.
"""

import asyncio
import concurrent.futures
import hashlib
import io
import logging
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

logger = logging.getLogger(__name__)

PROVINCE = "province_ecology"
DEFAULT = "default"
FIELD_NAME = "PortalSignature"
# Names shown when the configuration gives none; city bureaus pass their own (ReviewUnit.bureau_name).
DEPARTMENT_NAMES = {
    "province_ecology": "陕西省生态环境厅",
    "province_finance": "陕西省财政厅",
    "province_drc": "陕西省发展和改革委员会",
}
DEV_ROOT = "dev-root.pem"
DEV_SIGNER = "dev-signer.pem"  # the key and its certificate in one file, so they are replaced together


class SigningNotConfigured(DomainError):
    def __init__(self, signer_key: str) -> None:
        super().__init__(
            f"无法签发文件：未配置签发部门“{signer_key}”的签名证书（PORTAL_SIGNING）。"
            f" / Cannot issue the document: no signing certificate is configured for “{signer_key}”.",
            code="signing_not_configured",
        )


def city_key(review_unit_code: str) -> str:
    """The department key of a municipal ecology bureau."""
    return f"city:{review_unit_code}"


def department_name(signer_key: str, default: str = "") -> str:
    entry = settings.PORTAL_SIGNING.get(signer_key) or {}
    return entry.get("name") or default or DEPARTMENT_NAMES.get(signer_key, signer_key)


# Keys ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Credentials:
    signer: object  # pyhanko SimpleSigner
    fingerprint: str  # sha256 of the signing certificate (DER), hex
    subject: str
    development: bool
    key_name: str  # the PORTAL_SIGNING entry actually used
    chain: tuple = field(default=())
    reserve: int = 8192


_cache: dict = {}
_lock = threading.Lock()


def _read(path: str | Path) -> bytes:
    return Path(path).read_bytes()


def _signer_entry(signer_key: str) -> tuple[str, dict] | None:
    configured = settings.PORTAL_SIGNING
    if signer_key in configured:
        return signer_key, configured[signer_key]
    if DEFAULT in configured:
        return DEFAULT, configured[DEFAULT]
    return None


def credentials(signer_key: str) -> Credentials:
    """The signer of a department, loaded once per process (and again if its files change)."""
    found = _signer_entry(signer_key)
    if found is None:
        if settings.PORTAL_SIGNING or not settings.PORTAL_SIGNING_ALLOW_DEV:
            raise SigningNotConfigured(signer_key)
        directory = ensure_dev_certificate()
        entry = {
            "key": directory / DEV_SIGNER,
            "cert": directory / DEV_SIGNER,
            "chain": [directory / DEV_ROOT],
        }
        name, development = "development", True
    else:
        (name, entry), development = found, False
    paths = [entry["key"], entry["cert"], *entry.get("chain", [])]
    stamp = (name, development, tuple((str(p), os.stat(p).st_mtime_ns) for p in paths))
    with _lock:
        cached = _cache.get(stamp)
        if cached is None:
            cached = _cache[stamp] = _load(name, entry, development)
    return cached


def _load(name: str, entry: dict, development: bool) -> Credentials:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.keys.internal import translate_pyca_cryptography_key_to_asn1
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    passphrase_env = entry.get("passphrase_env")
    passphrase = os.environ[passphrase_env].encode() if passphrase_env else None
    key_data = _read(entry["key"])
    load = (
        serialization.load_pem_private_key
        if b"-----BEGIN" in key_data
        else serialization.load_der_private_key
    )
    pyca_key = load(key_data, password=passphrase)
    cert: asn1_x509.Certificate = next(iter(load_certs_from_pemder_data(_read(entry["cert"]))))
    chain = tuple(c for path in entry.get("chain", []) for c in load_certs_from_pemder_data(_read(path)))
    signer = _signer_class()(
        pyca_key=pyca_key,
        signing_cert=cert,
        signing_key=translate_pyca_cryptography_key_to_asn1(pyca_key),
        cert_registry=SimpleCertificateStore.from_certs([cert, *chain]),
    )
    return Credentials(
        signer=signer,
        fingerprint=hashlib.sha256(cert.dump()).hexdigest(),
        subject=cert.subject.human_friendly,
        development=development,
        key_name=name,
        chain=chain,
        reserve=2 * ((4096 + sum(len(c.dump()) for c in (cert, *chain))) // 2),
    )


@lru_cache(maxsize=1)
def _signer_class():
    """pyHanko's SimpleSigner parses (and, for RSA, checks) the private key again at every signature,
    which costs 0.1-0.3 s for an RSA 2048 key on this machine class: this one keeps the key loaded once."""
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class LoadedKeySigner(SimpleSigner):
        def __init__(self, *, pyca_key, **kwargs):
            super().__init__(**kwargs)
            self.pyca_key = pyca_key

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            try:
                mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            except ValueError:
                return super().sign_raw(data, digest_algorithm)
            hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
            if mechanism == "rsassa_pkcs1v15" and isinstance(self.pyca_key, RSAPrivateKey):
                return self.pyca_key.sign(data, PKCS1v15(), hash_algorithm)
            if mechanism == "ecdsa" and isinstance(self.pyca_key, EllipticCurvePrivateKey):
                return self.pyca_key.sign(data, ECDSA(hash_algorithm))
            return super().sign_raw(data, digest_algorithm)  # other mechanisms: pyHanko's own path

    return LoadedKeySigner


def trust_roots() -> list:
    """The CA certificates a genuine signature chains to: the configured roots, and the development
    root when development signatures are allowed (the page then labels them as such)."""
    from pyhanko.keys import load_certs_from_pemder_data

    roots = [
        c for path in settings.PORTAL_SIGNING_TRUST_ROOTS for c in load_certs_from_pemder_data(_read(path))
    ]
    if settings.PORTAL_SIGNING_ALLOW_DEV:
        dev_root = Path(settings.PORTAL_SIGNING_DEV_DIR) / DEV_ROOT
        if dev_root.exists():
            roots.extend(load_certs_from_pemder_data(dev_root.read_bytes()))
    return roots


# Signing -----------------------------------------------------------------------------------------------
def _outside_an_event_loop(call):
    """Run `call()` where asyncio.run() may run. pyHanko's synchronous API (signing, validation) calls
    asyncio.run(), which refuses a thread whose event loop is already running: an ASGI server's loop
    thread, or a test session that drives a browser. There, the call runs in a short-lived thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def sign_pdf(pdf_bytes: bytes, *, signer_key: str, reason: str = "") -> bytes:
    """The PDF with the department's PAdES signature (invisible, covering the whole file) appended
    as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    creds = credentials(signer_key)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or "签发",
        location="陕西省低碳近零碳试点示范建设管理平台",
        # Certify: any later change other than an added signature breaks the document's /DocMDP.
        certify=True,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    # Reserving the room for the signature ourselves saves pyHanko a trial signature to measure it:
    # the certificates it embeds plus a margin for the signed attributes and the signature value.
    out = _outside_an_event_loop(
        lambda: signers.PdfSigner(meta, signer=creds.signer).sign_pdf(writer, bytes_reserved=creds.reserve)
    )
    return out.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_issued(
    *,
    obj,
    stored,
    pdf: bytes,
    signer_key: str,
    kind: str,
    title: str,
    issuer: str = "",
    document_no: str = "",
):
    """Register a signed PDF just stored in `stored` (a FieldFile of `obj`), inside the transaction
    that stored it, so the registry and the file appear together."""
    from django.contrib.contenttypes.models import ContentType

    from .models import IssuedDocument

    creds = credentials(signer_key)
    return IssuedDocument.objects.create(
        kind=kind,
        title=title[:200],
        document_no=(document_no or "")[:64],
        department=signer_key,
        issuer=department_name(signer_key, issuer)[:100],
        signer_subject=creds.subject[:255],
        signer_fingerprint=creds.fingerprint,
        development=creds.development,
        sha256=sha256(pdf),
        size=len(pdf),
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        storage_path=stored.name,
    )


# Development certificate -----------------------------------------------------------------------------
def ensure_dev_certificate() -> Path:
    """The development CA and signer in settings.PORTAL_SIGNING_DEV_DIR, generated on first use. The
    directory is written whole and renamed into place, so concurrent first uses keep one consistent pair."""
    directory = Path(settings.PORTAL_SIGNING_DEV_DIR)
    if (directory / DEV_SIGNER).exists():
        return directory
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".signing-", dir=directory.parent))
    root_pem, signer_pem = generate_chain(
        root_name="开发用根证书（仅供本机测试，不具法律效力）",
        organisation="陕西省低碳试点平台（开发环境）",
        signer_name="开发用签名证书（仅供本机测试）",
    )
    (staging / DEV_ROOT).write_bytes(root_pem)
    (staging / DEV_SIGNER).write_bytes(signer_pem)
    os.chmod(staging / DEV_SIGNER, 0o600)
    try:
        staging.rename(directory)
    except OSError:  # another process got there first (or the directory exists, empty): keep theirs
        shutil.rmtree(staging, ignore_errors=True)
        if not (directory / DEV_SIGNER).exists():
            raise
    logger.warning("Generated the development signing certificate in %s", directory)
    return directory


def generate_chain(
    *, root_name: str, organisation: str, signer_name: str, days: int = 3650, rsa_bits: int = 0
):
    """(root CA certificate PEM, signer key + certificate PEM): a CA and one department certificate
    (ECDSA P-256, or RSA when rsa_bits is given). Used for the development certificate and the bench."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, root_name),
        ]
    )
    root = (
        x509.CertificateBuilder()
        .subject_name(root_subject)
        .issuer_name(root_subject)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    if rsa_bits:
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)
    else:
        key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                    x509.NameAttribute(NameOID.COMMON_NAME, signer_name),
                ]
            )
        )
        .issuer_name(root_subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    key_pem = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return root.public_bytes(pem), key_pem + cert.public_bytes(pem)


def _key_usage(*, ca: bool):
    from cryptography import x509

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


# Verification ----------------------------------------------------------------------------------------
@dataclass
class Verdict:
    """What the verification page says about an uploaded PDF. `status` is one of GENUINE, CHANGED (the
    bytes signed were altered, or something was appended after signing), UNTRUSTED (a valid signature
    by a certificate outside the trust roots), UNKNOWN (signed by a trusted certificate but not in the
    registry), UNSIGNED, UNREADABLE."""

    status: str
    record: object = None  # the IssuedDocument with the same SHA-256, if any
    signer: str = ""
    signed_at: object = None
    coverage: str = ""
    modification: str = ""
    development: bool = False
    sha256: str = ""

    @property
    def genuine(self) -> bool:
        return self.status == GENUINE


GENUINE, CHANGED, UNTRUSTED, UNKNOWN, UNSIGNED, UNREADABLE = (
    "genuine",
    "changed",
    "untrusted",
    "unknown",
    "unsigned",
    "unreadable",
)
COVERAGE_LABELS = {
    "ENTIRE_FILE": _("签名覆盖整个文件"),
    "ENTIRE_REVISION": _("签名只覆盖签名时的版本，之后文件被追加了修改"),
    "CONTIGUOUS_BLOCK_FROM_START": _("签名只覆盖文件的前一部分"),
    "UNCLEAR": _("签名覆盖范围不明"),
}
MODIFICATION_LABELS = {
    "NONE": _("签名后未作任何修改"),
    "LTA_UPDATES": _("签名后仅追加了长期验证信息（不影响内容）"),
    "FORM_FILLING": _("签名后填写了表单或追加了签名"),
    "ANNOTATIONS": _("签名后添加了批注"),
    "OTHER": _("签名后内容被修改"),
}


def verify_pdf(data: bytes, *, lookup: bool = True) -> Verdict:
    """Check an uploaded PDF: its signature against the trust roots (pyHanko, with the modification
    analysis of any update appended after signing) and its SHA-256 against the registry."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    from .models import IssuedDocument

    digest = sha256(data)
    record = IssuedDocument.objects.filter(sha256=digest).first() if lookup else None
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return Verdict(UNREADABLE, record=record, sha256=digest)
    if not signatures:
        return Verdict(UNSIGNED, record=record, sha256=digest)
    embedded = next((s for s in signatures if s.field_name == FIELD_NAME), signatures[0])
    try:
        context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
        status = _outside_an_event_loop(lambda: validate_pdf_signature(embedded, context))
    except Exception:  # a damaged signature structure is a changed document, never a 500
        logger.info("Signature validation failed on an uploaded PDF", exc_info=True)
        return Verdict(CHANGED, record=record, sha256=digest)
    level = status.modification_level
    verdict = Verdict(
        UNKNOWN,
        record=record,
        signer=status.signing_cert.subject.human_friendly,
        signed_at=status.signer_reported_dt,
        coverage=str(COVERAGE_LABELS.get(status.coverage.name if status.coverage else "UNCLEAR", "")),
        modification=str(MODIFICATION_LABELS.get(level.name, "")) if level is not None else "",
        sha256=digest,
    )
    if not (status.intact and status.valid) or status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        verdict.status = CHANGED
    elif not status.trusted:
        verdict.status = UNTRUSTED
    elif (
        record is not None
        and record.signer_fingerprint == hashlib.sha256(status.signing_cert.dump()).hexdigest()
    ):
        verdict.status = GENUINE
        verdict.development = record.development
    return verdict


def documents_numbered(number: str):
    from .models import IssuedDocument

    return IssuedDocument.objects.filter(document_no=number.strip()).order_by("-issued_at", "-pk")
