"""The schema documents every answer an operation can give, errors included: schemathesis holds the API
to it (tests/api/test_schema.py), so an undocumented status is a failure."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="说明（中文）")


class FilterErrorSerializer(serializers.Serializer):
    """A filter value the API cannot use: each field named with its messages."""

    class Meta:
        ref_name = "FilterError"


ERRORS = {
    "400": "查询参数无效（如筛选条件不合法）",
    "401": "未登录或令牌无效（公开接口带了无效令牌时也是如此）",
    "404": "不存在，或不在您的查看范围内，或页码超出范围",
    "429": "访问过于频繁，请稍后再试",
}


class PortalAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in ERRORS.items():
            body = self._get_response_for_code(
                FilterErrorSerializer if code == "400" else ErrorSerializer, code, direction=direction
            )
            body["description"] = description
            responses.setdefault(code, body)
        return responses
