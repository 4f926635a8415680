from django.db.models import QuerySet

from .models import Organisation


def applicant_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        kind__in=[Organisation.Kind.COUNTY, Organisation.Kind.PARK], approved=True
    ).select_related("review_unit", "division")
