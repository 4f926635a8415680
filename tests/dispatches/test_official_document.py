"""The official-document frame (masthead, red rule, number, sign-off, GB/T 9704 page numbers) is written
once, in pdf/official_document.html: the cover letter and the dispatch circular extend it."""

from pathlib import Path

from django.conf import settings
from django.template.loader import get_template

PDF = Path(settings.BASE_DIR) / "templates" / "pdf"
FRAME = ("@bottom-right", ".masthead {", '<div class="signoff">', ".rule + .rule")


def test_the_frame_is_written_once():
    """The two documents that extend the frame repeat none of it (the publicity list, a notice without a
    masthead, has a frame of its own)."""
    frame = (PDF / "official_document.html").read_text(encoding="utf-8")
    assert all(marker in frame for marker in FRAME)
    for name in ("cover_letter.html", "dispatch_circular.html"):
        text = (PDF / name).read_text(encoding="utf-8")
        assert text.startswith('{% extends "pdf/official_document.html" %}')
        assert [marker for marker in FRAME if marker in text] == []
        assert "pdf/base.css" not in text and "<html" not in text


def test_both_documents_extend_it_and_keep_their_number_placement():
    context = {
        "bureau": "西安市生态环境局",
        "issuer": "陕西省生态环境厅办公室",
        "title": "关于2026年第三季度调度情况的通报",
        "forwarding": {"document_no": "市环函〔2026〕8号"},
        "circular": {"document_no": "陕环办发〔2026〕12号", "remarks": ""},
        "dispatch": {"title": "2026年第三季度调度", "period": "2026年第三季度"},
        "counts": {"on_time": 0, "late": 0, "missing": 0},
        "lists": {},
        "issued_on": "2026年10月20日",
        "fonts": {"song": "Song", "fangsong": "FangSong", "hei": "Hei"},
    }
    for name in ("pdf/cover_letter.html", "pdf/dispatch_circular.html"):
        html = get_template(name).render(context)
        assert html.startswith("<!doctype html>") and "@bottom-left" in html
        assert (
            html.count('<p class="masthead">') == 1 and html.count('<p class="date">2026年10月20日</p>') == 1
        )
    letter = get_template("pdf/cover_letter.html").render(context)
    circular = get_template("pdf/dispatch_circular.html").render(context)
    # 上行文: the number on the right under the rule; 下行文: centred above it
    assert letter.index('class="rule"') < letter.index("市环函〔2026〕8号") and "docno-centre" not in letter
    assert circular.index("陕环办发〔2026〕12号") < circular.index('class="rule"')
    assert '<p class="bureau">陕西省生态环境厅办公室</p>' in circular
    assert '<p class="bureau">西安市生态环境局</p>' in letter
