"""Reference data shipped by migration pilots/0002 and `manage.py load_reference_data`."""

import csv
import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from organisations.models import Division, Organisation, ReviewUnit

pytestmark = pytest.mark.django_db

FIXTURES = settings.BASE_DIR / "fixtures"

# County-level units per review unit: 韩城 (610581) and 杨凌 (610403) are review units of their own,
# so 渭南 keeps 10 of its 11 counties and 咸阳 13 of its 14.
COUNTIES_PER_UNIT = {
    "610100": ("西安市", 13),
    "610200": ("铜川市", 4),
    "610300": ("宝鸡市", 12),
    "610400": ("咸阳市", 13),
    "610500": ("渭南市", 10),
    "610600": ("延安市", 13),
    "610700": ("汉中市", 11),
    "610800": ("榆林市", 12),
    "610900": ("安康市", 10),
    "611000": ("商洛市", 7),
    "610581": ("韩城市", 1),
    "610403": ("杨凌示范区", 1),
}


def csv_rows() -> list[dict]:
    with open(FIXTURES / "shaanxi-divisions.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def zones() -> list[dict]:
    return json.loads((FIXTURES / "development_zones.json").read_text(encoding="utf-8"))["zones"]


def test_divisions_match_the_csv_exactly():
    rows = csv_rows()
    assert len(rows) == 118
    assert Division.objects.count() == 118
    assert Division.objects.filter(level=Division.Level.PROVINCE).count() == 1
    assert Division.objects.filter(level=Division.Level.PREFECTURE).count() == 10
    assert Division.objects.filter(level=Division.Level.COUNTY).count() == 107
    stored = {d.code: d for d in Division.objects.all()}
    for row in rows:
        division = stored[row["code"]]
        assert division.name == row["name"], row
        assert division.level == row["level"], row
        assert (division.parent_id or "") == row["parent_code"], row
        assert division.kind == row["kind"], row


def test_division_spot_checks():
    assert Division.objects.get(code="610000").name == "陕西省"
    shiquan = Division.objects.get(code="610922")
    assert (shiquan.name, shiquan.parent_id, shiquan.full_name) == ("石泉县", "610900", "安康市石泉县")
    assert Division.objects.get(code="610581").parent_id == "610500"  # 韩城 belongs to 渭南 administratively
    assert Division.objects.get(code="610403").parent_id == "610400"  # 杨陵区 belongs to 咸阳


def test_twelve_review_units_with_their_counties():
    assert ReviewUnit.objects.count() == 12
    for code, (name, count) in COUNTIES_PER_UNIT.items():
        unit = ReviewUnit.objects.get(code=code)
        assert unit.name == name
        assert unit.divisions.count() == count, name
        assert unit.bureau_name.endswith("生态环境局")
    assert list(ReviewUnit.objects.get(code="610581").divisions.values_list("code", flat=True)) == ["610581"]
    assert list(ReviewUnit.objects.get(code="610403").divisions.values_list("code", flat=True)) == ["610403"]
    assert not ReviewUnit.objects.get(code="610500").divisions.filter(code="610581").exists()
    assert not ReviewUnit.objects.get(code="610400").divisions.filter(code="610403").exists()


def test_every_county_belongs_to_exactly_one_review_unit():
    for division in Division.objects.filter(level=Division.Level.COUNTY).prefetch_related("review_units"):
        assert division.review_units.count() == 1, division


def test_three_fenwei_priority_units():
    assert set(ReviewUnit.objects.filter(is_fenwei_priority=True).values_list("code", flat=True)) == {
        "610100",
        "610400",
        "610500",
    }


def test_county_governments_one_per_county_in_their_review_unit():
    counties = Organisation.objects.filter(kind=Organisation.Kind.COUNTY)
    assert counties.count() == 107
    shiquan = counties.get(division_id="610922")
    assert shiquan.name == "石泉县人民政府"
    assert shiquan.review_unit_id == "610900"
    # 市辖区 carry their city's name, as their governments sign.
    assert counties.get(division_id="610403").name == "咸阳市杨陵区人民政府"
    assert counties.get(division_id="610403").review_unit_id == "610403"
    assert counties.get(division_id="610581").review_unit_id == "610581"
    for organisation in counties.select_related("division"):
        assert organisation.review_unit.divisions.filter(code=organisation.division_id).exists()


def test_city_bureaus_and_provincial_departments():
    bureaus = Organisation.objects.filter(kind=Organisation.Kind.CITY_BUREAU)
    assert bureaus.count() == 12
    assert set(bureaus.values_list("review_unit_id", flat=True)) == set(COUNTIES_PER_UNIT)
    assert bureaus.get(review_unit_id="610900").name == "安康市生态环境局"
    for kind, name in [
        (Organisation.Kind.PROVINCE_ECOLOGY, "陕西省生态环境厅"),
        (Organisation.Kind.PROVINCE_FINANCE, "陕西省财政厅"),
        (Organisation.Kind.PROVINCE_DRC, "陕西省发展和改革委员会"),
    ]:
        assert Organisation.objects.get(kind=kind).name == name


def test_eighteen_development_zones_with_host_divisions():
    parks = Organisation.objects.filter(kind=Organisation.Kind.PARK, is_reference=True)
    assert parks.count() == 18
    for zone in zones():
        organisation = parks.get(name=zone["name"])
        assert organisation.review_unit_id == zone["review_unit"]
        assert set(organisation.host_divisions.values_list("code", flat=True)) == set(zone["hosts"])
        assert organisation.park_level == zone["park_level"]
        assert organisation.park_kind == zone["park_kind"]
        assert (organisation.parent.name if organisation.parent else None) == zone.get("parent")
    fengxi = parks.get(name="西咸新区沣西新城管委会")
    assert fengxi.parent.name == "西咸新区管委会"
    assert set(fengxi.host_divisions.values_list("code", flat=True)) == {"610402", "610118"}
    assert parks.get(name="杨凌农业高新技术产业示范区管委会").review_unit_id == "610403"


def _snapshot() -> dict:
    return {
        "divisions": sorted(Division.objects.values_list("code", "name", "parent_id", "level", "kind")),
        "units": sorted(ReviewUnit.objects.values_list("code", "name", "bureau_name", "is_fenwei_priority")),
        "unit_counties": sorted(
            ReviewUnit.divisions.through.objects.values_list("reviewunit_id", "division_id")
        ),
        "organisations": sorted(
            Organisation.objects.values_list(
                "pk", "name", "kind", "review_unit_id", "division_id", "parent_id"
            )
        ),
        "hosts": sorted(
            Organisation.host_divisions.through.objects.values_list("organisation_id", "division_id")
        ),
    }


def test_load_reference_data_is_idempotent():
    before = _snapshot()
    call_command("load_reference_data", stdout=StringIO())
    call_command("load_reference_data", stdout=StringIO())
    assert _snapshot() == before


def test_load_reference_data_repairs_edited_rows_in_place():
    before = _snapshot()
    shiquan = Organisation.objects.get(kind=Organisation.Kind.COUNTY, division_id="610922")
    Organisation.objects.filter(pk=shiquan.pk).update(name="改错的名称", review_unit_id="610100")
    Division.objects.filter(code="610922").update(name="错")
    call_command("load_reference_data", stdout=StringIO())
    assert _snapshot() == before
    assert Organisation.objects.get(pk=shiquan.pk).name == "石泉县人民政府"
