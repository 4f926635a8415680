"""The shape every filtered list page has: a filter form over a scoped queryset, `?export=xlsx` for the
filtered rows as a workbook, else a page of PAGE_SIZE rows rendered with the filters."""

from collections.abc import Callable

from django.core.paginator import Paginator
from django.shortcuts import render

PAGE_SIZE = 50


def page_of(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def filtered_list(
    request,
    *,
    filter_class,
    queryset,
    template: str,
    export: Callable,
    context: Callable[[], dict] | None = None,
    page_size: int = PAGE_SIZE,
):
    """Render `template` with {"page", "filters", **context()} or, with ?export=xlsx, answer
    `export(rows, user=, filters=)`. `context` is called only for the page (not for an export)."""
    filters = filter_class(request.GET, queryset, user=request.user)
    if request.GET.get("export") == "xlsx":
        return export(filters.queryset, user=request.user, filters=filters)
    extra = context() if context is not None else {}
    return render(
        request,
        template,
        {"page": page_of(request, filters.queryset, page_size), "filters": filters, **extra},
    )
