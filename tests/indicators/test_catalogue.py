"""The indicator catalogue: the entries that replace the former code enum, sets per purpose and version,
frozen at first use, edited only as a new version; the application's targets pick from the current set."""

import pytest
from django.urls import reverse
from django.utils import translation

from applications.forms import TargetForm
from applications.models import ApplicationTarget
from core.actors import is_system
from core.errors import DomainError
from core.models import AuditEntry
from indicators import services
from indicators.models import Indicator, IndicatorSet
from indicators.selectors import current_indicator_set, current_indicators
from tests.helpers import verified_login

from ..factories import ApplicationFactory, UserFactory, county

pytestmark = pytest.mark.django_db

# The former ApplicationTarget.Indicator enum, code -> label, in its order.
FORMER_ENUM = [
    ("co2_intensity_drop", "单位GDP二氧化碳排放较基准年降低率（%）"),
    ("energy_intensity_drop", "单位GDP能耗较基准年降低率（%）"),
    ("non_fossil_share", "非化石能源消费占比（%）"),
    ("co2_total_change", "二氧化碳排放总量较基准年变化（%）"),
    ("renewable_capacity", "可再生能源装机（兆瓦）"),
    ("coal_share", "煤炭消费占比（%）"),
    ("electrification", "电能占终端能源消费比重（%）"),
    ("green_building", "城镇新建建筑中绿色建筑占比（%）"),
    ("iva_co2_intensity", "单位工业增加值二氧化碳排放（吨/万元）"),
    ("co2_per_tce", "单位能耗碳排放（吨CO₂/吨标准煤）"),
    ("clean_energy_share", "清洁能源消费占比（%）"),
    ("solid_waste", "一般工业固体废物综合利用率（%）"),
    ("forest_coverage", "森林覆盖率（%）"),
    ("other", "其他"),
]
TARGETS = IndicatorSet.Purpose.APPLICATION_TARGETS


def target_set() -> IndicatorSet:
    return IndicatorSet.objects.get(purpose=TARGETS, version=1)


def test_the_migration_creates_an_entry_per_former_code_with_the_same_label_in_order():
    indicator_set = current_indicator_set(TARGETS)
    assert (indicator_set.name, indicator_set.version) == ("申报目标指标", 1)
    with translation.override("zh-hans"):
        offered = [(i.code, str(i)) for i in current_indicators(TARGETS)]
    assert offered == FORMER_ENUM
    co2 = Indicator.objects.get(code="co2_intensity_drop")
    assert (co2.name, co2.unit, co2.direction) == ("单位GDP二氧化碳排放较基准年降低率", "%", "up")
    assert Indicator.objects.get(code="coal_share").direction == Indicator.Direction.DOWN
    assert Indicator.objects.get(code="co2_per_tce").unit == "吨CO₂/吨标准煤"


def test_a_frozen_set_refuses_edits_and_a_new_version_carries_the_change():
    v1 = target_set()
    services.indicator_set_freeze(indicator_set=v1)
    coal = Indicator.objects.get(code="coal_share")
    with pytest.raises(DomainError, match="已冻结"):
        services.indicator_set_replace_items(indicator_set=v1, indicators=[coal])
    assert v1.items.count() == 14  # untouched

    v2 = services.indicator_set_new_version(indicator_set=v1)
    assert (v2.version, v2.frozen_at, v2.items.count()) == (2, None, 14)
    assert current_indicator_set(TARGETS) == v2
    kept = [i for i in current_indicators(TARGETS) if i.code != "coal_share"]
    services.indicator_set_replace_items(indicator_set=v2, indicators=kept)
    assert "coal_share" not in [i.code for i in current_indicators(TARGETS)]
    assert v1.items.filter(indicator=coal).exists()  # the frozen version still has it


def test_an_indicator_appears_once_per_set():
    v1 = target_set()
    coal = Indicator.objects.get(code="coal_share")
    with pytest.raises(DomainError):
        services.indicator_set_replace_items(indicator_set=v1, indicators=[coal, coal])


def test_the_first_saved_target_freezes_the_set_as_an_automatic_step(applicant_county, client_for):
    assert target_set().frozen_at is None
    draft = ApplicationFactory(organisation=county("610922"))
    url = reverse("applications:section", args=[draft.pk, "targets"])
    data = {
        "targets-TOTAL_FORMS": "2",
        "targets-INITIAL_FORMS": "0",
        "targets-0-indicator": "non_fossil_share",
        "targets-0-base_value": "12",
        "targets-0-target_value": "20",
        "targets-1-indicator": "other",
        "targets-1-custom_name": "新增林业碳汇项目（个）",
        "targets-1-target_value": "3",
    }
    response = client_for(applicant_county).post(url, data)
    assert response.status_code == 302
    rows = list(ApplicationTarget.objects.filter(application=draft).select_related("indicator"))
    assert [(t.indicator.code, t.target_value, t.custom_name) for t in rows] == [
        ("non_fossil_share", 20, ""),
        ("other", 3, "新增林业碳汇项目（个）"),
    ]
    # The page shows the saved entry as the enum did: its code as the value, its label as the text.
    page = client_for(applicant_county).get(url).content.decode()
    assert '<option value="non_fossil_share" selected>非化石能源消费占比（%）</option>' in page
    with translation.override("en"):
        assert str(rows[0].indicator) == "Share of non-fossil energy consumption (%)"
    frozen = target_set()
    assert frozen.frozen_at is not None
    entry = AuditEntry.objects.get(action="indicators.indicatorset.freeze", object_id=str(frozen.pk))
    assert is_system(entry.actor)
    with pytest.raises(DomainError):
        services.indicator_set_replace_items(indicator_set=frozen, indicators=[])


def test_the_target_form_offers_the_current_set_and_keeps_a_row_s_own_entry():
    v1 = target_set()
    services.indicator_set_freeze(indicator_set=v1)
    v2 = services.indicator_set_new_version(indicator_set=v1)
    coal = Indicator.objects.get(code="coal_share")
    services.indicator_set_replace_items(
        indicator_set=v2, indicators=[i for i in current_indicators(TARGETS) if i != coal]
    )
    codes = [str(value) for value, _label in TargetForm().fields["indicator"].choices if value]
    assert "coal_share" not in codes and codes[0] == "co2_intensity_drop" and len(codes) == 13
    # A row saved under v1 with 煤炭消费占比 still shows and saves its entry.
    form = TargetForm(initial={"indicator": coal}, data={"indicator": "coal_share", "target_value": "40"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["indicator"] == coal
    # A new row cannot pick it.
    assert not TargetForm(data={"indicator": "coal_share", "target_value": "40"}).is_valid()


@pytest.mark.parametrize(
    ("code", "value", "valid"),
    [
        ("non_fossil_share", "120", False),
        ("renewable_capacity", "120", True),
        ("non_fossil_share", "99", True),
    ],
)
def test_percent_bounds_follow_the_entry_s_unit(code, value, valid):
    form = TargetForm(data={"indicator": code, "target_value": value})
    assert form.is_valid() is valid, form.errors


def test_other_needs_a_name():
    form = TargetForm(data={"indicator": "other", "target_value": "3"})
    assert not form.is_valid() and "custom_name" in form.errors


def test_a_used_entry_cannot_be_deleted():
    from django.db.models import ProtectedError

    from ..factories import complete_application

    complete_application(organisation=county("610922"))
    with pytest.raises(ProtectedError):
        Indicator.objects.get(code="co2_intensity_drop").delete()


def test_admin_shows_a_frozen_set_read_only(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, admin)
    v1 = target_set()
    url = reverse("admin:indicators_indicatorset_change", args=[v1.pk])
    assert 'name="_save"' in client.get(url).content.decode()
    services.indicator_set_freeze(indicator_set=v1)
    body = client.get(url).content.decode()
    assert 'name="_save"' not in body and "申报目标指标" in body
    response = client.post(url, {"name": "改名", "purpose": TARGETS, "version": 1})
    assert response.status_code == 403
    assert target_set().name == "申报目标指标"


def test_every_seeded_label_is_marked_for_translation():
    """makemessages keeps the msgids of the entries' labels (they are no longer in an enum)."""
    from indicators.models import ACCEPTANCE_LABELS, SEEDED_LABELS

    assert sorted(SEEDED_LABELS) == sorted(label for _code, label in FORMER_ENUM)
    assert sorted(SEEDED_LABELS + ACCEPTANCE_LABELS) == sorted(i.label for i in Indicator.objects.all())
