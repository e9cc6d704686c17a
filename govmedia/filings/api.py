"""REST endpoints for filings, scoped like the pages; writes go through the same services.

Not mounted by this app: register in govmedia/api/urls.py with
``router.register("filings", FilingViewSet, basename="filing")``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response

from govmedia.core.scoping import get_for
from govmedia.filings import services
from govmedia.filings.models import ApprovalStep, Filing


class StepSerializer(serializers.ModelSerializer):
    approver_unit = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ApprovalStep
        fields = [
            "id",
            "round",
            "order",
            "name",
            "approver_unit",
            "status",
            "status_label",
            "due_on",
            "decided_by",
            "decided_at",
            "comment",
        ]


class FilingSerializer(serializers.ModelSerializer):
    owner = serializers.StringRelatedField()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = Filing
        fields = [
            "id",
            "number",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "owner",
            "account",
            "account_name",
            "platform",
            "platform_uid",
            "reason",
            "changes",
            "current_step",
            "round",
            "submitted_at",
            "decided_at",
            "registered_nationally_on",
            "steps",
        ]


class DecisionSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    decision = serializers.ChoiceField(choices=["approve", "return", "reject"])
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class FilingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FilingSerializer

    def get_queryset(self):
        return services.visible_filings(self.request.user).prefetch_related("steps").order_by("id")

    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Approve, return or reject the filing's pending step (the caller must be its approver)."""
        filing = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        step = get_for(
            request.user, filing.steps.select_related("filing", "approver_unit"), data.validated_data["step"]
        )
        verbs = {
            "approve": services.do_approve_step,
            "return": services.do_return_step,
            "reject": services.do_reject_step,
        }
        try:
            verbs[data.validated_data["decision"]](
                step, acting_user=request.user, comment=data.validated_data["comment"]
            )
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from exc
        except services.FilingError as exc:
            return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
        filing.refresh_from_db()
        return Response(self.get_serializer(filing).data)
