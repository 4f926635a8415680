"""Divisions, review units, organisations and memberships moved from `pilots` to `organisations` without
losing a row, a key or an admin address (issue 9).

The migration test runs the real migrations backwards to the state before the move (organisations not
yet installed), writes an organisation and a membership through the historical `pilots` models, migrates
forward again and finds the same rows under `organisations`, still referenced by an application. It runs
inside the test's transaction, so the test database is left as it was.
"""

import pytest
from django.contrib.contenttypes.models import ContentType

from organisations.models import Division, Membership, Organisation, ReviewUnit
from pilots.models import Pilot

from ..migration_helpers import fk_targets, latest, migrate

pytestmark = pytest.mark.django_db

BEFORE_THE_MOVE = [
    ("pilots", "0002_reference_data"),
    ("applications", "0009_merge_carbon_and_indicators"),
    ("reviews", "0005_selection_decisions"),
    ("organisations", None),
]


def test_an_organisation_written_before_the_move_is_found_under_organisations_after_it():
    old = migrate(BEFORE_THE_MOVE)
    with pytest.raises(LookupError):
        old.get_app_config("organisations")
    OldOrganisation = old.get_model("pilots", "Organisation")
    OldMembership = old.get_model("pilots", "Membership")
    OldApplication = old.get_model("applications", "Application")
    OldBatch = old.get_model("applications", "Batch")
    # The reference data of pilots 0002 is there before the move: 12 review units, their counties.
    assert old.get_model("pilots", "ReviewUnit").objects.count() == 12
    user = old.get_model("core", "User").objects.create(username="before-the-move")
    park = OldOrganisation.objects.create(
        name="迁移前注册的园区", kind="park", review_unit_id="610900", division_id="610902"
    )
    park.host_divisions.set(["610902"])
    OldMembership.objects.create(user=user, organisation=park, role="applicant", title="主任")
    batch = OldBatch.objects.create(name="迁移测试批次", year=2031)
    application = OldApplication.objects.create(batch=batch, organisation=park)

    new = migrate(latest())

    NewOrganisation = new.get_model("organisations", "Organisation")
    moved = NewOrganisation.objects.get(pk=park.pk)
    assert (moved.name, moved.review_unit_id, moved.division_id) == ("迁移前注册的园区", "610900", "610902")
    assert list(moved.host_divisions.values_list("code", flat=True)) == ["610902"]
    assert list(moved.memberships.values_list("user__username", "role", "title")) == [
        ("before-the-move", "applicant", "主任")
    ]
    assert (
        new.get_model("applications", "Application").objects.get(pk=application.pk).organisation_id == park.pk
    )
    assert new.get_model("organisations", "ReviewUnit").objects.count() == 12
    # The pilots state no longer has the models; the database keeps its tables and keys.
    for name in ("Division", "ReviewUnit", "Organisation", "Membership"):
        with pytest.raises(LookupError):
            new.get_model("pilots", name)
    assert [m._meta.db_table for m in (Division, ReviewUnit, Organisation, Membership)] == [
        "pilots_division",
        "pilots_reviewunit",
        "pilots_organisation",
        "pilots_membership",
    ]
    assert fk_targets("applications_application", "organisation_id") == ["pilots_organisation"]
    assert fk_targets("pilots_pilot", "organisation_id") == ["pilots_organisation"]
    assert Pilot._meta.get_field("organisation").related_model is Organisation
    ContentType.objects.clear_cache()


def test_the_content_types_follow_the_models_so_admin_permissions_are_kept():
    """A database migrated before the move has content types under `pilots`: pilots 0003 hands them over."""
    ContentType.objects.clear_cache()
    migrate(BEFORE_THE_MOVE)
    ContentType.objects.filter(app_label="organisations", model="organisation").update(app_label="pilots")
    before = ContentType.objects.get(app_label="pilots", model="organisation").pk

    migrate(latest())

    assert ContentType.objects.get(app_label="organisations", model="organisation").pk == before
    assert not ContentType.objects.filter(app_label="pilots", model="organisation").exists()
    assert ContentType.objects.filter(app_label="pilots", model="pilot").exists()  # the pilot stays
    ContentType.objects.clear_cache()


def test_the_organisations_are_maintained_in_the_admin_under_organisations(admin_client):
    ankang = ReviewUnit.objects.get(name="安康市")
    body = admin_client.get("/admin/organisations/reviewunit/").content.decode()
    assert all(unit.name in body for unit in ReviewUnit.objects.all())
    change = admin_client.get(f"/admin/organisations/reviewunit/{ankang.pk}/change/")
    assert change.status_code == 200
    county = Organisation.objects.get(name="安康市汉滨区人民政府")
    assert admin_client.get(f"/admin/organisations/organisation/{county.pk}/change/").status_code == 200
    assert admin_client.get("/admin/organisations/membership/").status_code == 200
    assert admin_client.get("/admin/organisations/division/?level=county").status_code == 200


def test_the_old_admin_addresses_redirect_to_organisations(admin_client):
    county = Organisation.objects.get(name="安康市汉滨区人民政府")
    response = admin_client.get(f"/admin/pilots/organisation/{county.pk}/change/?_changelist_filters=x")
    assert response.status_code == 302
    assert (
        response["Location"] == f"/admin/organisations/organisation/{county.pk}/change/?_changelist_filters=x"
    )
    assert admin_client.get("/admin/pilots/reviewunit/")["Location"] == "/admin/organisations/reviewunit/"
    # The pilots stay where they were.
    assert admin_client.get("/admin/pilots/pilot/").status_code == 200
