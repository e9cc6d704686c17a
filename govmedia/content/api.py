"""The push API: self-built apps (and anything else) send posts and messages, one token per account.

``POST /content/api/ingest/posts`` and ``/content/api/ingest/messages`` with
``Authorization: Bearer <token>`` (issued by ``services.issue_push_token``) and a JSON body
``{"posts": [...]}`` / ``{"messages": [...]}`` of at most 1000 items. A batch with any bad item
is refused whole, every problem named by item and field; sending the same batch again changes
nothing (items are keyed by their ``id``).
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed, ParseError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from govmedia.content.connectors.base import MessageData, PostData
from govmedia.content.models import MessageKind, PostKind, Source
from govmedia.content.services import account_for_push_token, ingest_message_batch, ingest_post_batch

MAX_ITEMS = 1000


class PushTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        account = account_for_push_token(header.removeprefix("Bearer ").strip())
        if account is None:
            raise AuthenticationFailed("推送令牌无效，请在账号的采集设置中重新生成")
        return (None, account)

    def authenticate_header(self, request):
        return 'Bearer realm="govmedia-ingest"'


class PushTokenScheme(OpenApiAuthenticationExtension):
    target_class = "govmedia.content.api.PushTokenAuthentication"
    name = "pushToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "每个账号一个推送令牌"}


class HasPushToken(BasePermission):
    message = "缺少推送令牌：请求头应为 Authorization: Bearer <令牌>"

    def has_permission(self, request, view):
        return request.auth is not None


class PostItem(serializers.Serializer):
    id = serializers.CharField(max_length=120, help_text="应用内的内容 ID（幂等键）")
    published_at = serializers.DateTimeField(help_text="ISO 8601，如 2026-03-01T09:30:00+08:00")
    title = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
    content = serializers.CharField(
        allow_blank=True, required=False, default="", help_text="正文（可含 HTML）"
    )
    url = serializers.URLField(max_length=1000, allow_blank=True, required=False, default="")
    # plain strings (checked below) keep the schema free of enum-name collisions with other apps
    kind = serializers.CharField(
        required=False, default=PostKind.ARTICLE, help_text="article/video/image/text"
    )
    is_original = serializers.BooleanField(required=False, default=True)
    source_name = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    read_count = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    like_count = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    share_count = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    comment_count = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)

    def validate_kind(self, value):
        if value not in PostKind.values:
            raise serializers.ValidationError(f"应为：{'、'.join(PostKind.values)}")
        return value


class PostBatch(serializers.Serializer):
    posts = PostItem(many=True, allow_empty=False, max_length=MAX_ITEMS)


class MessageItem(serializers.Serializer):
    id = serializers.CharField(max_length=120)
    post_id = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    created_at = serializers.DateTimeField()
    kind = serializers.CharField(
        required=False,
        default=MessageKind.COMMENT,
        help_text="comment/private/consultation/complaint/suggestion",
    )
    content = serializers.CharField(max_length=5000)
    author = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="只保存其摘要"
    )
    reply_content = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    replied_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate_kind(self, value):
        if value not in MessageKind.values:
            raise serializers.ValidationError(f"应为：{'、'.join(MessageKind.values)}")
        return value


class MessageBatch(serializers.Serializer):
    messages = MessageItem(many=True, allow_empty=False, max_length=MAX_ITEMS)


class IngestResult(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


def _flatten(errors, prefix: str = "") -> list[str]:
    """DRF's nested errors as Chinese lines naming the item and field."""
    lines = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            if isinstance(key, int):
                label = f"第 {key + 1} 条"
            elif key == "non_field_errors":
                label = ""
            else:
                label = str(key)
            lines += _flatten(value, f"{prefix} {label}".strip())
    elif isinstance(errors, list):
        for i, value in enumerate(errors):
            if isinstance(value, dict | list):
                lines += _flatten(
                    value, f"{prefix} 第 {i + 1} 条".strip() if isinstance(value, dict) else prefix
                )
            else:
                lines.append(f"{prefix}：{value}" if prefix else str(value))
    else:
        lines.append(f"{prefix}：{errors}" if prefix else str(errors))
    return lines


class _IngestView(APIView):
    authentication_classes = [PushTokenAuthentication]
    permission_classes = [HasPushToken]
    batch_class: type[serializers.Serializer]

    def _validated(self, request):
        try:
            data = request.data
        except ParseError:
            return None, Response(
                {"detail": "请求体不是有效的 JSON（可能被截断），本批未写入任何数据"}, status=400
            )
        serializer = self.batch_class(data=data)
        if not serializer.is_valid():
            return None, Response(
                {"detail": "本批数据有错误，未写入任何数据", "errors": _flatten(serializer.errors)},
                status=400,
            )
        return serializer.validated_data, None


class IngestPostsView(_IngestView):
    batch_class = PostBatch

    @extend_schema(
        request=PostBatch,
        responses={200: IngestResult},
        summary="推送发布内容（自建应用等）",
        examples=[
            OpenApiExample(
                "一条内容",
                value={
                    "posts": [{"id": "n-1001", "published_at": "2026-03-01T09:30:00+08:00", "title": "通知"}]
                },
            )
        ],
    )
    def post(self, request):
        data, error = self._validated(request)
        if error:
            return error
        account = request.auth
        pairs = [
            (
                account.pk,
                PostData(
                    platform_post_id=item["id"],
                    published_at=item["published_at"],
                    title=item["title"],
                    body=item["content"],
                    url=item["url"],
                    kind=item["kind"],
                    is_original=item["is_original"],
                    repost_source=item["source_name"],
                    reads=item["read_count"],
                    likes=item["like_count"],
                    shares=item["share_count"],
                    comments=item["comment_count"],
                ),
            )
            for item in data["posts"]
        ]
        summary = ingest_post_batch(pairs, source=Source.PUSH)
        return Response(
            {"created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged}
        )


class IngestMessagesView(_IngestView):
    batch_class = MessageBatch

    @extend_schema(request=MessageBatch, responses={200: IngestResult}, summary="推送留言（自建应用等）")
    def post(self, request):
        data, error = self._validated(request)
        if error:
            return error
        account = request.auth
        for i, item in enumerate(data["messages"]):
            if item["replied_at"] and item["replied_at"] < item["created_at"]:
                return Response(
                    {
                        "detail": "本批数据有错误，未写入任何数据",
                        "errors": [f"第 {i + 1} 条 replied_at：回复时间不能早于留言时间"],
                    },
                    status=400,
                )
        pairs = [
            (
                account.pk,
                MessageData(
                    platform_message_id=item["id"],
                    received_at=item["created_at"],
                    text=item["content"],
                    kind=item["kind"],
                    author=item["author"],
                    reply_text=item["reply_content"],
                    replied_at=item["replied_at"],
                    post_id=item["post_id"],
                ),
            )
            for item in data["messages"]
        ]
        summary = ingest_message_batch(pairs, source=Source.PUSH)
        unchanged = len(pairs) - summary.messages_created - summary.messages_updated
        return Response(
            {"created": summary.messages_created, "updated": summary.messages_updated, "unchanged": unchanged}
        )
