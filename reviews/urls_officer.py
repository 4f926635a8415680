"""URLs of the officers' review screens (round set-up, pool, conflicts, assignment, results, publicity)."""

from django.urls import path

from . import views_acceptance as acc
from . import views_officer as v

urlpatterns: list = [
    path("experts/", v.expert_list, name="experts"),
    path("experts/new/", v.expert_edit, name="expert_new"),
    path("experts/import/", v.expert_import, name="expert_import"),
    path("experts/import/template/", v.expert_template, name="expert_template"),
    path("experts/import/<int:job_pk>/", v.expert_import_job, name="expert_import_job"),
    path("experts/<int:expert_pk>/activation/", v.expert_activation, name="expert_activation"),
    path("experts/<int:expert_pk>/", v.expert_edit, name="expert_edit"),
    path("criteria/", v.criteria_list, name="criteria"),
    path("criteria/new/", v.criteria_new, name="criteria_new"),
    path("criteria/<int:set_pk>/", v.criteria_edit, name="criteria_edit"),
    path("new/", v.round_new, name="round_new"),
    path("<int:pk>/edit/", v.round_edit, name="round_edit"),
    path("<int:pk>/start-review/", v.round_start_review, name="start_review"),
    path("<int:pk>/conflicts/", v.conflicts, name="conflicts"),
    path("<int:pk>/conflicts/refresh/", v.conflicts_refresh, name="conflicts_refresh"),
    path("<int:pk>/conflicts/<int:conflict_pk>/override/", v.conflict_override, name="conflict_override"),
    path("<int:pk>/coverage/", v.coverage, name="coverage"),
    path("<int:pk>/coverage/assign/", v.assign, name="assign"),
    path("<int:pk>/coverage/auto/", v.assign_auto, name="assign_auto"),
    path("<int:pk>/coverage/<int:assignment_pk>/remove/", v.unassign, name="unassign"),
    path("<int:pk>/results/", v.results, name="results"),
    path("<int:pk>/sheets/", v.score_sheets, name="score_sheets"),
    path("<int:pk>/sheets/render/", v.score_sheets_request, name="score_sheets_request"),
    path("<int:pk>/sheets/<int:expert_pk>/", v.score_sheet_download, name="score_sheet"),
    path("batch/<int:batch_pk>/decision/", v.batch_decision, name="batch_decision"),
    path("<int:pk>/decision/", v.decision, name="decision"),
    path("<int:pk>/decision/propose/", v.decision_propose, name="decision_propose"),
    path("<int:pk>/confirmations/", v.confirmations, name="confirmations"),
    path("<int:pk>/confirmations/confirm/", v.decision_confirm, name="decision_confirm"),
    path("<int:pk>/confirmations/return/", v.decision_return, name="decision_return"),
    path("<int:pk>/publicity/", v.publicity_page, name="publicity"),
    path("<int:pk>/publicity/open/", v.publicity_open, name="publicity_open"),
    path("<int:pk>/publicity/objections/", v.objection_record, name="objection_record"),
    path("<int:pk>/publicity/objections/<int:objection_pk>/", v.objection_handle, name="objection_handle"),
    path("<int:pk>/publicity/confirm/", v.publicity_confirm, name="publicity_confirm"),
    path("<int:pk>/acceptance/setup/", acc.acceptance_setup, name="acceptance_setup"),
    path("<int:pk>/acceptance/", acc.panel, name="acceptance_panel"),
    path("<int:pk>/acceptance/<int:item_pk>/", acc.panel_item, name="acceptance_item"),
    path("items/<int:item_pk>/site-visits/new/", acc.site_visit_new, name="site_visit_new"),
    path("site-photos/<int:photo_pk>/", acc.site_photo, name="site_photo"),
]
