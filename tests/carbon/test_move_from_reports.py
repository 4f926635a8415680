"""The factor sets moved from `reports` to `carbon` without losing a row, a key or an admin address.

The migration test runs the real migrations backwards to the state before the move (carbon not yet
installed), writes a factor set through the historical `reports` model, migrates forward again and finds
the same row, with its fuels, under `carbon`. It runs inside the test's transaction, so the test database
is left as it was.
"""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from carbon.models import EmissionFactorSet
from tests.helpers import verified_login

from ..migration_helpers import fk_targets, latest, migrate

pytestmark = pytest.mark.django_db

BEFORE_THE_MOVE = [
    ("reports", "0003_emission_factor_data"),
    ("applications", "0005_attachment_content_type_length"),
    ("carbon", None),
]


def test_a_factor_set_written_before_the_move_is_found_under_carbon_after_it():
    old = migrate(BEFORE_THE_MOVE)
    with pytest.raises(LookupError):
        old.get_app_config("carbon")
    OldSet = old.get_model("reports", "EmissionFactorSet")
    OldFuel = old.get_model("reports", "FuelFactor")
    seeded = set(OldSet.objects.values_list("pk", "name"))
    assert len(seeded) == 2  # the two sets of reports 0003 are there before the move
    probe = OldSet.objects.create(
        name="迁移前的因子集", vintage_year=2024, source="测试", grid_factor=Decimal("0.5000")
    )
    OldFuel.objects.create(
        factor_set=probe,
        fuel="coke",
        unit="吨",
        net_calorific_value=Decimal("28.435"),
        carbon_content=Decimal("0.02950"),
        oxidation_rate=Decimal("0.93"),
        coal_equivalent=Decimal("0.9714"),
    )

    new = migrate(latest())

    NewSet = new.get_model("carbon", "EmissionFactorSet")
    moved = NewSet.objects.get(pk=probe.pk)
    assert moved.name == "迁移前的因子集" and moved.grid_factor == Decimal("0.5000")
    assert list(moved.fuel_factors.values_list("fuel", "net_calorific_value")) == [
        ("coke", Decimal("28.435"))
    ]
    assert seeded < set(NewSet.objects.values_list("pk", "name"))
    # The reports state no longer has the models; the database keeps its tables and keys.
    with pytest.raises(LookupError):
        new.get_model("reports", "EmissionFactorSet")
    assert EmissionFactorSet._meta.db_table == "reports_emissionfactorset"
    assert fk_targets("applications_application", "factor_set_id") == ["reports_emissionfactorset"]
    ContentType.objects.clear_cache()


def test_the_content_types_follow_the_models_so_admin_permissions_are_kept():
    """A database migrated before the move has content types under `reports`: reports 0004 hands them over."""
    ContentType.objects.clear_cache()
    migrate(BEFORE_THE_MOVE)
    ContentType.objects.filter(app_label="carbon", model="emissionfactorset").update(app_label="reports")
    before = ContentType.objects.get(app_label="reports", model="emissionfactorset").pk

    migrate(latest())

    assert ContentType.objects.get(app_label="carbon", model="emissionfactorset").pk == before
    assert not ContentType.objects.filter(app_label="reports", model="emissionfactorset").exists()
    ContentType.objects.clear_cache()


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser(username="root", email="root@example.cn", password="x")
    verified_login(client, user)
    return client


def test_the_factor_sets_are_maintained_in_the_admin_under_carbon(admin_client):
    default = EmissionFactorSet.objects.get(is_default=True)
    body = admin_client.get("/admin/carbon/emissionfactorset/").content.decode()
    for factor_set in EmissionFactorSet.objects.all():
        assert factor_set.name in body
    change = admin_client.get(f"/admin/carbon/emissionfactorset/{default.pk}/change/")
    assert change.status_code == 200
    assert default.fuel_factors.count() == 12 and "fuel_factors-11-fuel" in change.content.decode()


def test_the_old_admin_addresses_of_the_factor_sets_redirect_to_carbon(admin_client):
    default = EmissionFactorSet.objects.get(is_default=True)
    response = admin_client.get(
        f"/admin/reports/emissionfactorset/{default.pk}/change/?_changelist_filters=x"
    )
    assert response.status_code == 302
    assert (
        response["Location"] == f"/admin/carbon/emissionfactorset/{default.pk}/change/?_changelist_filters=x"
    )
    assert (
        admin_client.get("/admin/reports/emissionfactorset/")["Location"]
        == "/admin/carbon/emissionfactorset/"
    )
    # The annual reports stay where they were.
    assert admin_client.get("/admin/reports/annualreport/").status_code == 200
