from import_export import fields

from core.resources import ExportResource

from .models import Pilot


class PilotResource(ExportResource):
    organisation = fields.Field(attribute="organisation__name", column_name="试点单位")
    review_unit = fields.Field(attribute="organisation__review_unit__name", column_name="所属市（区）")
    kind = fields.Field(column_name="类型")
    batch = fields.Field(attribute="batch__name", column_name="批次")
    state = fields.Field(column_name="状态")

    class Meta:
        model = Pilot
        fields = ("id", "organisation", "review_unit", "kind", "batch", "state")
        export_order = ("id", "organisation", "review_unit", "kind", "batch", "state")

    def dehydrate_kind(self, pilot):
        return "县（区）" if pilot.organisation.kind == "county" else "园区"

    def dehydrate_state(self, pilot):
        return pilot.get_state_display()
