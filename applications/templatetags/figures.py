"""{{ value|figure:"tce" }}: the application's figures written as the Annex 1 PDF writes them."""

from django import template

from applications import figures

register = template.Library()


@register.filter
def figure(value, unit="money"):
    return figures.figure(value, unit)
