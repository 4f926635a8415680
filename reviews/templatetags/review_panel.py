"""The per-application detail block of the aggregation panel, built in Python.

The panel lists every application of a round (300 in the benchmark), each with its experts' totals,
z-scores and criterion means; as template markup this block alone cost about 100 ms a page, three
times what the same HTML costs from format_html_join.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from core.formats import colon, parenthesised, semicolon
from core.templatetags.portal import num

register = template.Library()


@register.simple_tag
def item_details(row):
    experts = format_html_join(
        "",
        '<tr><td class="{}">{}{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
        (
            (
                "outlier" if e.outlier else "",
                e.label,
                parenthesised(_("离群")) if e.outlier else "",
                _("各项均不适用") if e.total is None else num(e.total, 2),
                num(e.zscore, 2),
            )
            for e in row.experts
        ),
    )
    means = semicolon().join(
        f"{c.display_name}{colon()}{_('均不适用')}"
        if mean is None
        else f"{c.display_name}{colon()}{num(mean, 2)}/{c.scale_max}"
        for c, mean in row.criterion_means
    )
    s = row.statistics
    spread = _("最低 %(min)s，最高 %(max)s，标准差 %(sd)s") % {
        "min": num(s["min"], 2),
        "max": num(s["max"], 2),
        "sd": num(s["stdev"], 2),
    }
    return format_html(
        '<details class="item"><summary>{}</summary><table class="data small"><thead><tr><th>{}</th><th>{}</th>'
        "<th>{}</th></tr></thead><tbody>{}</tbody></table>"
        '<p class="small">{}</p><p class="small muted">{}</p></details>',
        _("各专家总分、z分数与分项均分"),
        _("专家"),
        _("加权总分"),
        _("z分数"),
        experts,
        means,
        spread,
    )
