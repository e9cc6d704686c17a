from django.contrib import admin

from govmedia.supervision.models import (
    ApprovedSource,
    Finding,
    Indicator,
    IndicatorSet,
    Inspection,
    RegionPopulation,
)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["order", "code", "name", "kind", "check_name", "params", "points", "cap"]


@admin.register(IndicatorSet)
class IndicatorSetAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "name", "source", "is_current", "loaded_at"]
    list_filter = ["is_current"]
    inlines = [IndicatorInline]
    readonly_fields = ["loaded_at", "loaded_by"]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "title",
        "period_start",
        "period_end",
        "indicator_set",
        "kind",
        "status",
        "version",
        "pass_rate",
    ]
    list_filter = ["status", "kind"]
    readonly_fields = ["result"]
    exclude = ["findings"]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "account",
        "indicator_name",
        "summary",
        "status",
        "needs_confirmation",
        "last_found_at",
    ]
    list_filter = ["status", "kind", "indicator_code"]
    search_fields = ["account__name", "summary"]
    raw_id_fields = ["account"]


admin.site.register(ApprovedSource, list_display=["name", "region", "source"])
admin.site.register(RegionPopulation, list_display=["region", "population", "year", "source"])
