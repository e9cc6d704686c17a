"""Read-only REST endpoints, scoped exactly as the pages (through registry.services)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets

from govmedia.api.serializers import AccountSerializer, UnitSerializer
from govmedia.registry import services


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitSerializer

    def get_queryset(self):
        return services.visible_units(self.request.user).order_by("id")


@extend_schema(
    parameters=[
        OpenApiParameter(name, str, description=description)
        for name, description in [
            ("region", "行政区划ID（含下级）"),
            ("unit", "主办单位ID"),
            ("platform", "平台代码"),
            ("status", "状态代码"),
            ("q", "名称、账号ID或单位关键词"),
        ]
    ]
)
class AccountViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AccountSerializer

    def get_queryset(self):
        params = {
            k: self.request.query_params.get(k, "").strip()
            for k in ("region", "unit", "platform", "status", "q")
        }
        accounts = services.filter_accounts(services.visible_accounts(self.request.user), **params)
        return accounts.prefetch_related("contacts").order_by("id")
