"""The one place that turns templates into PDFs (WeasyPrint). Called from tasks only: rendering never
happens inside a web request.

A PDF is never produced with missing glyphs: before the first render in a process, every CJK font
family named in settings.PDF_FONTS must be installed and cover Chinese (fontconfig). Otherwise
WeasyPrint would fall back to a Latin font silently and print every Chinese character as a box, so
rendering refuses with MissingPdfFont instead.
"""

import logging
import shutil
import subprocess
import time
from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .errors import DomainError

logger = logging.getLogger(__name__)

# The Debian/Ubuntu package of each free family the defaults name (scripts/system_packages.sh installs them).
FONT_PACKAGES = {
    "Noto Serif CJK": "fonts-noto-cjk",
    "Noto Sans CJK": "fonts-noto-cjk",
    "AR PL UKai": "fonts-arphic-ukai",
    "AR PL UMing": "fonts-arphic-uming",
}


class MissingPdfFont(DomainError):
    """A font family configured for PDFs is not installed, or does not cover Chinese."""

    def __init__(self, missing: dict[str, str], detail: str = "") -> None:
        self.missing = missing
        names = "、".join(f"“{family}”（PDF_FONTS['{role}']）" for role, family in missing.items())
        names_en = ", ".join(f'"{family}" (PDF_FONTS["{role}"])' for role, family in missing.items())
        packages = sorted({package_for(family) for family in missing.values()})
        install = "sudo apt-get install -y " + " ".join(packages)
        settings_names = ", ".join(f"PDF_FONT_{role.upper()}" for role in missing)
        # Bilingual on purpose: an operator's error (worker log, `make run` output), in whatever
        # language the process runs; it never reaches an applicant's page.
        message = (
            f"无法生成PDF：未安装覆盖中文的字体 {names}，中文将显示为方框。"
            f"请安装字体包（{install}），或在 {settings_names} 中指定已安装的中文字体。"
            f" / Cannot render the PDF: the font {names_en} is not installed or does not cover Chinese, "
            f"so every Chinese character would print as a box. Install the font package ({install}) "
            f"or name an installed Chinese font in {settings_names}."
        )
        if detail:
            message += f" ({detail})"
        super().__init__(message, code="missing_font")


def package_for(family: str) -> str:
    for prefix, package in FONT_PACKAGES.items():
        if family.startswith(prefix):
            return package
    return f"<the package providing {family}>"


@lru_cache(maxsize=1)
def chinese_font_families() -> frozenset[str]:
    """Every installed font family that covers Chinese, lower-cased (`fc-list :lang=zh family`,
    once per process). Raises MissingPdfFont if fontconfig's tools are not installed."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise MissingPdfFont(dict(settings.PDF_FONTS), detail="fc-list not found: apt-get install fontconfig")
    output = subprocess.run(
        [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    # A font lists all its names on one line: "Noto Serif CJK SC,Noto Serif CJK SC Bold".
    return frozenset(name.strip().lower() for line in output.splitlines() for name in line.split(","))


def check_pdf_fonts() -> None:
    """Raise MissingPdfFont unless every family of settings.PDF_FONTS is installed and covers Chinese."""
    installed = chinese_font_families()
    missing = {role: family for role, family in settings.PDF_FONTS.items() if family.lower() not in installed}
    if missing:
        raise MissingPdfFont(missing)


@lru_cache(maxsize=1)
def _font_config():
    # One font configuration per worker process: Fontconfig's lookup of the large CJK fonts is done
    # once instead of at every render.
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def html_to_pdf(html: str, attachments=()) -> bytes:
    """The PDF of `html`; `attachments` are (file name, bytes, description) embedded in it as PDF file
    attachments (the originals travel inside the document, byte for byte, as an official file's 附件)."""
    check_pdf_fonts()
    from weasyprint import HTML, Attachment  # imported lazily: it loads Pango, which web requests never need

    embedded = [
        Attachment(string=data, name=name, description=description) for name, data, description in attachments
    ]
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        font_config=_font_config(), attachments=embedded
    )


def render_pdf(template_name: str, context: dict, attachments=()) -> bytes:
    started = time.monotonic()
    with translation.override("zh-hans"):  # official documents are Chinese whatever the reader's language
        html = render_to_string(template_name, {**context, "fonts": settings.PDF_FONTS})
    pdf = html_to_pdf(html, attachments)
    # One line per rendering: the several-machines test counts them in the workers' logs.
    logger.info("PDF rendered: %s (%d bytes, %.1f s)", template_name, len(pdf), time.monotonic() - started)
    return pdf
