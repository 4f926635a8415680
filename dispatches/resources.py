"""The answer table as an Excel file (core.xlsx): one row per pilot, one typed column per question."""

from django.utils.translation import gettext, gettext_lazy

from core import xlsx
from organisations.resources import list_scope

from .models import Dispatch, Question


def _answer_getter(question: Question):
    def get(response):
        for answer in response.answers.all():  # prefetched
            if answer.question_id == question.pk:
                return answer.number_value if question.is_figure else answer.text_value
        return None

    return get


def answer_table_xlsx(dispatch: Dispatch, responses, *, questions, user, filters=None):
    columns = [
        xlsx.Column(gettext_lazy("试点单位"), lambda r: r.pilot.organisation.name),
        xlsx.Column(
            gettext_lazy("所属市（区）"),
            lambda r: r.pilot.organisation.review_unit.name if r.pilot.organisation.review_unit else "",
        ),
        xlsx.Column(gettext_lazy("批次"), lambda r: r.pilot.batch.name),
        xlsx.Column(gettext_lazy("类型"), lambda r: r.pilot.organisation.get_kind_display()),
        xlsx.Column(gettext_lazy("状态"), lambda r: r.get_state_display()),
        xlsx.Column(gettext_lazy("提交时间"), lambda r: r.submitted_at, kind=xlsx.DATETIME),
        xlsx.Column(
            gettext_lazy("按时报送"),
            lambda r: (gettext("逾期") if r.late else gettext("按时")) if r.answered else gettext("未报送"),
        ),
        xlsx.Column(gettext_lazy("填报方式"), lambda r: r.get_source_display() if r.source else ""),
    ]
    for question in questions:
        columns.append(
            xlsx.Column(
                f"{question.code} {question.label}",
                _answer_getter(question),
                kind=xlsx.DECIMAL if question.is_figure else xlsx.TEXT,
                number_format=xlsx.decimals(2) if question.is_figure else None,
            )
        )
    sheet = xlsx.Sheet(
        name=dispatch.title,
        title=gettext("%(title)s（%(period)s）填报汇总")
        % {"title": dispatch.title, "period": dispatch.period},
        scope=list_scope(user, filters),
        columns=columns,
        rows=responses,
        notes=[gettext("报送截止：%(due)s") % {"due": dispatch.due_date.isoformat()}],
    )
    return xlsx.xlsx_response(sheet, filename=f"{dispatch.title}-填报汇总.xlsx")
