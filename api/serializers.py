"""What the API shows of each object: the fields the corresponding page shows, no more.

The declared fields describe the schema; each list serializer also writes its rows directly
(`to_representation`), because DRF's field-by-field machinery cost about 3 ms a row (bench/api_bench.py).
tests/api/test_schema.py holds both to the schema, so they cannot drift apart."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.models import Application, Batch
from pilots.models import Pilot
from reports.models import AnnualReport

PILOT_LEVELS = dict(Application.PilotLevel.choices)


class BatchSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Batch
        fields = [
            "id",
            "name",
            "year",
            "state",
            "state_display",
            "application_deadline",
            "publicity_start",
            "publicity_end",
        ]

    def to_representation(self, obj):
        return {
            "id": obj.pk,
            "name": obj.name,
            "year": obj.year,
            "state": obj.state,
            "state_display": str(obj.get_state_display()),
            "application_deadline": _iso(obj.application_deadline),
            "publicity_start": _iso(obj.publicity_start),
            "publicity_end": _iso(obj.publicity_end),
        }


def _iso(day):
    return day.isoformat() if day else None


def _batch_ref(batch) -> dict:
    return {"id": batch.pk, "name": batch.name, "year": batch.year}


def _organisation_fields(obj) -> dict:
    organisation = obj.organisation
    unit = organisation.review_unit
    return {
        "organisation": organisation.name,
        "organisation_kind": str(organisation.get_kind_display()),
        "city": unit.name if unit else "",
    }


class BatchRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Batch
        fields = ["id", "name", "year"]


class PublicityBatchSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Batch
        fields = [
            "id",
            "name",
            "year",
            "state",
            "state_display",
            "document_no",
            "publicity_start",
            "publicity_end",
        ]

    def to_representation(self, obj):
        return {
            "id": obj.pk,
            "name": obj.name,
            "year": obj.year,
            "state": obj.state,
            "state_display": str(obj.get_state_display()),
            "document_no": obj.document_no,
            "publicity_start": _iso(obj.publicity_start),
            "publicity_end": _iso(obj.publicity_end),
        }


class PublicityRowSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    name = serializers.CharField()
    city = serializers.CharField()
    kind = serializers.CharField()
    level = serializers.CharField()


class PublicityNoticeSerializer(serializers.Serializer):
    """The notice as the public page shows it (official text, in Chinese)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    batch = serializers.CharField()
    document_no = serializers.CharField(allow_blank=True)
    basis = serializers.CharField()
    rows = PublicityRowSerializer(many=True)
    start = serializers.CharField(allow_blank=True)
    end = serializers.CharField(allow_blank=True)
    period = serializers.CharField(allow_blank=True)
    working_days = serializers.IntegerField()
    objection = serializers.CharField()
    contact = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    issuer = serializers.CharField()
    issued_on = serializers.CharField(allow_blank=True)


class _OrganisationFields(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    organisation_kind = serializers.CharField(source="organisation.get_kind_display", read_only=True)
    city = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_city(self, obj) -> str:
        unit = obj.organisation.review_unit
        return unit.name if unit else ""


class PublicPilotSerializer(_OrganisationFields):
    batch = BatchRefSerializer(read_only=True)
    pilot_level_display = serializers.SerializerMethodField()
    status = serializers.CharField(source="public_status", read_only=True)

    @extend_schema_field(serializers.CharField())
    def get_pilot_level_display(self, obj) -> str:
        # The pilot keeps the level its application was selected at; the labels are the application's.
        return str(PILOT_LEVELS.get(obj.pilot_level, ""))

    class Meta:
        model = Pilot
        fields = [
            "id",
            "organisation",
            "organisation_kind",
            "city",
            "batch",
            "pilot_level",
            "pilot_level_display",
            "status",
        ]

    def to_representation(self, obj):
        return {
            "id": obj.pk,
            **_organisation_fields(obj),
            "batch": _batch_ref(obj.batch),
            "pilot_level": obj.pilot_level,
            "pilot_level_display": self.get_pilot_level_display(obj),
            "status": str(obj.public_status),
        }


class PilotSerializer(PublicPilotSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta(PublicPilotSerializer.Meta):
        fields = [*PublicPilotSerializer.Meta.fields, "state", "state_display"]

    def to_representation(self, obj):
        return {
            **super().to_representation(obj),
            "state": obj.state,
            "state_display": str(obj.get_state_display()),
        }


class ApplicationSerializer(_OrganisationFields):
    batch = BatchRefSerializer(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    pilot_level_display = serializers.CharField(source="get_pilot_level_display", read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "batch",
            "organisation",
            "organisation_kind",
            "city",
            "pilot_level",
            "pilot_level_display",
            "state",
            "state_display",
        ]

    def to_representation(self, obj):
        return {
            "id": obj.pk,
            "batch": _batch_ref(obj.batch),
            **_organisation_fields(obj),
            "pilot_level": obj.pilot_level,
            "pilot_level_display": str(obj.get_pilot_level_display()),
            "state": obj.state,
            "state_display": str(obj.get_state_display()),
        }


class ReportSerializer(serializers.ModelSerializer):
    pilot = serializers.IntegerField(source="pilot_id", read_only=True)
    organisation = serializers.CharField(source="pilot.organisation.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = AnnualReport
        fields = ["id", "pilot", "organisation", "year", "state", "state_display"]

    def to_representation(self, obj):
        return {
            "id": obj.pk,
            "pilot": obj.pilot_id,
            "organisation": obj.pilot.organisation.name,
            "year": obj.year,
            "state": obj.state,
            "state_display": str(obj.get_state_display()),
        }
