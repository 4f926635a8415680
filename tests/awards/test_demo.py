"""The demo has caps, and an award with one disbursed and one planned instalment for each accepted
first-batch pilot (商州区, 沣西新城), made through the services."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from awards.models import Award, AwardCap
from core.models import AuditEntry


@pytest.mark.slow
@pytest.mark.django_db
def test_seed_demo_has_awards():
    call_command("seed_demo", stdout=StringIO())
    assert {(c.pilot_type, c.amount) for c in AwardCap.objects.all()} == {
        ("county", Decimal("500.00")),
        ("park", Decimal("300.00")),
    }
    awards = {a.pilot.organisation.name: a for a in Award.objects.select_related("pilot__organisation")}
    assert set(awards) == {"商洛市商州区人民政府", "西咸新区沣西新城管委会"}
    for award in awards.values():
        assert award.pilot.state == "accepted"
        assert sorted(award.instalments.values_list("state", flat=True)) == ["disbursed", "planned"]
        assert sum(i.amount for i in award.instalments.all()) == award.amount
    assert AuditEntry.objects.filter(action="awards.award.record").count() == 2
    assert AuditEntry.objects.filter(action="awards.instalment.disburse").count() == 2
