"""Read-only REST endpoints for inspections, score cards and Findings, scoped as the pages."""

from __future__ import annotations

from rest_framework import serializers, viewsets

from govmedia.core.params import is_id
from govmedia.supervision import selectors
from govmedia.supervision.models import AccountResult, Finding, Inspection


class InspectionSerializer(serializers.ModelSerializer):
    indicator_set = serializers.CharField(source="indicator_set.code")
    scope_unit = serializers.CharField(source="scope_unit.name", default=None)
    units = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "title",
            "period_start",
            "period_end",
            "indicator_set",
            "scope_unit",
            "kind",
            "sample_ratio",
            "sample_count",
            "seed",
            "status",
            "version",
            "account_count",
            "failed_count",
            "pass_rate",
            "published_at",
            "units",
        ]

    def get_units(self, obj) -> list[dict]:
        request = self.context.get("request")
        return [
            {
                "unit_id": u.unit_id,
                "name": u.unit.name,
                "group": u.group,
                "vetoed": u.vetoed,
                "score": u.score,
                "final": u.final,
                "rank": u.rank,
                "accounts": u.account_count,
            }
            for u in selectors.unit_results_for(request.user, obj)
        ]


class InspectionDetailSerializer(InspectionSerializer):
    result = serializers.SerializerMethodField()
    pass_rates = serializers.SerializerMethodField()

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "result", "pass_rates"]

    def get_result(self, obj) -> dict:
        """The same JSON as ``run_inspection --json``, cut to what the user may see."""
        return selectors.result_for(self.context["request"].user, obj)

    def get_pass_rates(self, obj) -> dict:
        from govmedia.supervision.services import pass_rates

        user = self.context["request"].user
        return pass_rates(obj, selectors.account_results_of(user, obj))


class InspectionViewSet(viewsets.ReadOnlyModelViewSet):
    """检查及其单位排名；详情含与 run_inspection --json 相同的结果。"""

    def get_queryset(self):
        return selectors.visible_inspections(self.request.user).order_by("-period_end", "-id")

    def get_serializer_class(self):
        return InspectionDetailSerializer if self.action == "retrieve" else InspectionSerializer


class AccountResultSerializer(serializers.ModelSerializer):
    account_name = serializers.CharField(source="account.name")
    unit = serializers.CharField(source="unit.name")

    class Meta:
        model = AccountResult
        fields = [
            "id",
            "inspection",
            "account",
            "account_name",
            "unit",
            "platform",
            "vetoed",
            "deduction_score",
            "bonus_points",
            "score",
            "no_data",
            "detail",
        ]


class AccountResultViewSet(viewsets.ReadOnlyModelViewSet):
    """账号得分卡：每一分的扣减、加分及其问题（证据）编号。可按 inspection、account 过滤。"""

    serializer_class = AccountResultSerializer

    def get_queryset(self):
        qs = selectors.visible_account_results(self.request.user).order_by("inspection_id", "account_id")
        for param in ("inspection", "account"):
            value = self.request.query_params.get(param, "")
            if is_id(value):
                qs = qs.filter(**{f"{param}_id": int(value)})
        return qs


class FindingSerializer(serializers.ModelSerializer):
    account_name = serializers.CharField(source="account.name")

    class Meta:
        model = Finding
        fields = [
            "id",
            "account",
            "account_name",
            "indicator_code",
            "indicator_name",
            "kind",
            "key",
            "summary",
            "evidence",
            "status",
            "needs_confirmation",
            "confirmed_at",
            "first_found_at",
            "last_found_at",
            "times_found",
            "status_changed_at",
            "status_reason",
        ]


class FindingViewSet(viewsets.ReadOnlyModelViewSet):
    """问题清单；可按 status、kind、indicator、account、inspection 过滤。"""

    serializer_class = FindingSerializer

    def get_queryset(self):
        qs = selectors.visible_findings(self.request.user).order_by("-last_found_at", "-id")
        p = self.request.query_params
        if p.get("status"):
            qs = qs.filter(status=p["status"])
        if p.get("kind"):
            qs = qs.filter(kind=p["kind"])
        if p.get("indicator"):
            qs = qs.filter(indicator_code=p["indicator"])
        if is_id(p.get("account", "")):
            qs = qs.filter(account_id=int(p["account"]))
        if is_id(p.get("inspection", "")):
            qs = qs.filter(links__inspection_id=int(p["inspection"]))
        return qs
