"""core.pdf never produces a PDF whose Chinese is missing: a configured font that is not installed (or
does not cover Chinese) stops rendering with a clear, bilingual error; real fonts are embedded."""

import shutil
import subprocess

import pytest

from core import pdf
from core.errors import DomainError

HTML = """<html><head><style>
body {{ font-family: "{song}"; }} .hei {{ font-family: "{hei}"; }}
</style></head><body><p>陕西省低碳近零碳试点示范建设 申报表</p><p class="hei">附件1</p></body></html>"""


def test_a_configured_family_that_is_not_installed_refuses_to_render(settings):
    settings.PDF_FONTS = {**settings.PDF_FONTS, "fangsong": "FZFangSong-Z02 Not Installed"}
    with pytest.raises(pdf.MissingPdfFont) as raised:
        pdf.render_pdf("pdf/annex1.html", {})
    error = raised.value
    assert isinstance(error, DomainError)
    assert error.missing == {"fangsong": "FZFangSong-Z02 Not Installed"}
    message = str(error)
    assert "未安装覆盖中文的字体" in message and "is not installed or does not cover Chinese" in message
    assert "FZFangSong-Z02 Not Installed" in message and "PDF_FONT_FANGSONG" in message


def test_a_latin_only_family_counts_as_missing(settings):
    """DejaVu is what WeasyPrint fell back to silently: installed, but without a single Chinese glyph."""
    latin_only = sorted(_all_families() - pdf.chinese_font_families())
    if not latin_only:
        pytest.skip("every font on this machine covers Chinese")
    family = "dejavu sans" if "dejavu sans" in latin_only else latin_only[0]
    settings.PDF_FONTS = {**settings.PDF_FONTS, "hei": family}
    with pytest.raises(pdf.MissingPdfFont) as raised:
        pdf.html_to_pdf("<p>中文</p>")
    assert raised.value.missing == {"hei": family}


def test_the_message_names_the_package_of_a_default_family(settings):
    settings.PDF_FONTS = {"song": "Noto Serif CJK SC", "kai": "AR PL UKai CN"}
    error = pdf.MissingPdfFont(dict(settings.PDF_FONTS))
    assert "sudo apt-get install -y fonts-arphic-ukai fonts-noto-cjk" in str(error)


def test_without_fontconfig_tools_rendering_refuses(monkeypatch):
    pdf.chinese_font_families.cache_clear()
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    try:
        with pytest.raises(pdf.MissingPdfFont, match="fc-list not found"):
            pdf.html_to_pdf("<p>中文</p>")
    finally:
        pdf.chinese_font_families.cache_clear()


def test_fontconfig_is_asked_once_per_process(monkeypatch, settings):
    pdf.chinese_font_families.cache_clear()
    calls = []
    real_run = subprocess.run

    def counting_run(*args, **kwargs):
        calls.append(args[0])
        return real_run(*args, **kwargs)

    monkeypatch.setattr(pdf.subprocess, "run", counting_run)
    try:
        pdf.check_pdf_fonts()
        pdf.check_pdf_fonts()
        settings.PDF_FONTS = {"song": "Nope"}
        with pytest.raises(pdf.MissingPdfFont):
            pdf.check_pdf_fonts()
    finally:
        pdf.chinese_font_families.cache_clear()
    assert len(calls) == 1


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts (poppler-utils) not installed")
def test_the_real_fonts_render_and_are_embedded(settings):
    """What `make run` serves: the default families, embedded, and the Chinese text extractable."""
    fonts = settings.PDF_FONTS
    document = pdf.html_to_pdf(HTML.format(song=fonts["song"], hei=fonts["hei"]))
    listing = subprocess.run(
        ["pdffonts", "-"], input=document, capture_output=True, timeout=60
    ).stdout.decode()
    rows = [line.split() for line in listing.splitlines()[2:]]
    names = {row[0].split("+", 1)[-1] for row in rows}
    # WeasyPrint names a subset after its family: "ABCDEF+Noto-Serif-CJK-SC".
    assert names == {fonts["song"].replace(" ", "-"), fonts["hei"].replace(" ", "-")}, listing
    # Every font is embedded (the "emb" column): a reader needs no font of its own.
    assert [row[-5] for row in rows] == ["yes", "yes"], listing
    text = subprocess.run(["pdftotext", "-", "-"], input=document, capture_output=True, timeout=60).stdout
    assert "陕西省低碳近零碳试点示范建设" in text.decode()


def _all_families() -> set[str]:
    out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=60).stdout
    return {name.strip().lower() for line in out.splitlines() for name in line.split(",")}
