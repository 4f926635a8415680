from import_export import fields

from core.resources import ExportResource

from .models import Application


class ApplicationResource(ExportResource):
    batch = fields.Field(attribute="batch__name", column_name="批次")
    organisation = fields.Field(attribute="organisation__name", column_name="申报单位")
    kind = fields.Field(column_name="类型")
    review_unit = fields.Field(attribute="organisation__review_unit__name", column_name="所属市（区）")
    state = fields.Field(column_name="状态")
    pilot_level = fields.Field(column_name="申报类型")
    submitted_at = fields.Field(column_name="提交时间")
    city_rank = fields.Field(attribute="city_rank", column_name="市内排序")
    city_opinion = fields.Field(attribute="city_opinion", column_name="市级推荐意见")

    class Meta:
        model = Application
        fields = (
            "id",
            "batch",
            "organisation",
            "kind",
            "review_unit",
            "state",
            "pilot_level",
            "submitted_at",
            "city_rank",
            "city_opinion",
        )
        export_order = (
            "id",
            "batch",
            "organisation",
            "kind",
            "review_unit",
            "state",
            "pilot_level",
            "submitted_at",
            "city_rank",
            "city_opinion",
        )

    def dehydrate_kind(self, application):
        return application.organisation.get_kind_display()

    def dehydrate_state(self, application):
        return application.get_state_display()

    def dehydrate_pilot_level(self, application):
        return application.get_pilot_level_display()

    def dehydrate_submitted_at(self, application):
        from django.utils import timezone

        return (
            timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M")
            if application.submitted_at
            else ""
        )
