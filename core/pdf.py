"""The one place that turns templates into PDFs (WeasyPrint). Called from Celery tasks only:
rendering never happens inside a web request."""

from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


@lru_cache(maxsize=1)
def _font_config():
    # One font configuration per worker process: Fontconfig's lookup of the large CJK fonts is done
    # once instead of at every render.
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import HTML  # imported lazily: it loads Pango, which web requests never need

    with translation.override("zh-hans"):  # official documents are Chinese whatever the reader's language
        html = render_to_string(template_name, {**context, "fonts": settings.PDF_FONTS})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=_font_config())
