"""The API's views: each list reads the same selector as its page, so the API cannot show more."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from applications.selectors import applications_visible_to, public_batches
from pilots.selectors import pilots_visible_to, published_pilots
from reports.selectors import reports_visible_to
from reviews import documents
from reviews.selectors import publicity_batches

from . import filters, serializers, services
from .models import ApiToken


class PublicList(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    filter_backends = [DjangoFilterBackend]


class SignedInList(generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [DjangoFilterBackend]


class SignedInDetail(generics.RetrieveAPIView):
    """Another user's object answers 404, as on the pages: the lookup runs in the user's scope."""

    permission_classes = [permissions.IsAuthenticated]


# Public ---------------------------------------------------------------------------------------------
@extend_schema(tags=["public"], summary=gettext_lazy("申报批次（已开放的）"))
class BatchList(PublicList):
    serializer_class = serializers.BatchSerializer
    filterset_class = filters.BatchFilter

    def get_queryset(self):
        return public_batches()


@extend_schema(tags=["public"], summary=gettext_lazy("公示公告"))
class PublicityList(PublicList):
    serializer_class = serializers.PublicityBatchSerializer

    def get_queryset(self):
        return publicity_batches()


@extend_schema(
    tags=["public"],
    summary=gettext_lazy("公示公告全文（拟入选名单）"),
    responses=serializers.PublicityNoticeSerializer,
)
class PublicityDetail(generics.GenericAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = serializers.PublicityNoticeSerializer

    def get_queryset(self):
        return publicity_batches()

    def get(self, request, pk: int):
        batch = get_object_or_404(self.get_queryset(), pk=pk)
        notice = {**documents.publicity_notice(batch), "id": batch.pk}
        return Response(self.get_serializer(notice).data)


@extend_schema(tags=["public"], summary=gettext_lazy("试点名单（已公布批次，含结果）"))
class PublicPilotList(PublicList):
    serializer_class = serializers.PublicPilotSerializer
    filterset_class = filters.PilotFilter

    def get_queryset(self):
        return published_pilots()


# Signed in (token or session), scoped exactly as the pages ------------------------------------------
APPLICATION_LIST_COLUMNS = (
    "pk",
    "state",
    "pilot_level",
    "batch__id",
    "batch__name",
    "batch__year",
    "organisation__name",
    "organisation__kind",
    "organisation__review_unit__name",
)


@extend_schema(tags=["signed-in"], summary=gettext_lazy("我可查看的申报书"))
class ApplicationList(SignedInList):
    serializer_class = serializers.ApplicationSerializer
    filterset_class = filters.ApplicationFilter

    def get_queryset(self):
        # Only the columns the list serialises: an application row carries the whole Annex 1 (long texts,
        # JSON tables), which made reading a page of 50 the larger part of the response (docs/benchmarks.md).
        return (
            applications_visible_to(self.request.user)
            .select_related(None)
            .select_related("batch", "organisation__review_unit")
            .only(*APPLICATION_LIST_COLUMNS)
            .order_by("-batch__year", "organisation__name", "pk")
        )


@extend_schema(tags=["signed-in"], summary=gettext_lazy("申报书"))
class ApplicationDetail(SignedInDetail):
    serializer_class = serializers.ApplicationSerializer

    def get_queryset(self):
        return applications_visible_to(self.request.user)


@extend_schema(tags=["signed-in"], summary=gettext_lazy("我可查看的试点单位"))
class PilotList(SignedInList):
    serializer_class = serializers.PilotSerializer
    filterset_class = filters.OwnPilotFilter

    def get_queryset(self):
        return pilots_visible_to(self.request.user).order_by("batch__year", "organisation__name", "pk")


@extend_schema(tags=["signed-in"], summary=gettext_lazy("试点单位"))
class PilotDetail(SignedInDetail):
    serializer_class = serializers.PilotSerializer

    def get_queryset(self):
        return pilots_visible_to(self.request.user)


@extend_schema(tags=["signed-in"], summary=gettext_lazy("我可查看的年度自评报告"))
class ReportList(SignedInList):
    serializer_class = serializers.ReportSerializer
    filterset_class = filters.ReportFilter

    def get_queryset(self):
        return reports_visible_to(self.request.user).order_by("-year", "pilot__organisation__name", "pk")


@extend_schema(tags=["signed-in"], summary=gettext_lazy("年度自评报告"))
class ReportDetail(SignedInDetail):
    serializer_class = serializers.ReportSerializer

    def get_queryset(self):
        return reports_visible_to(self.request.user)


def not_found(request, *args, **kwargs):
    return JsonResponse({"detail": gettext("未找到。")}, status=404)


# Pages: the documentation and the user's token -------------------------------------------------------
def documentation(request):
    """The API reference, rendered on the server from the same OpenAPI schema /api/v1/schema/ serves
    (no script, no CDN: the portal may run on an intranet)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "tags": operation.get("tags", []),
                    "parameters": operation.get("parameters", []),
                    "secured": any(s for s in operation.get("security", []) if s),
                }
            )
    return render(request, "api/documentation.html", {"operations": operations, "info": schema["info"]})


@login_required
def token_page(request):
    token = ApiToken.objects.filter(user=request.user).first()
    key = request.session.pop("api_token_once", None)  # shown once, right after it is made
    return render(request, "api/token.html", {"token": token, "key": key})


@login_required
@require_POST
def token_issue(request):
    request.session["api_token_once"] = services.token_issue(user=request.user)
    messages.success(
        request, gettext("已生成新的接口令牌，旧令牌（如有）已失效。请立即复制保存，离开本页后不再显示。")
    )
    return redirect("api:token")


@login_required
@require_POST
def token_revoke(request):
    if services.token_revoke(user=request.user):
        messages.success(request, gettext("接口令牌已撤销。"))
    return redirect("api:token")
