"""Excel export helpers on top of django-import-export."""

from urllib.parse import quote

from django.http import HttpResponse
from import_export import resources

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportResource(resources.ModelResource):
    @classmethod
    def as_xlsx_response(cls, queryset, *, filename: str) -> HttpResponse:
        dataset = cls().export(queryset=queryset)
        response = HttpResponse(dataset.export("xlsx"), content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        return response
