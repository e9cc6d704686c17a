from django.contrib import admin

from govmedia.filings.models import ApprovalChain, ApprovalStep, ChainStep, Filing


class ChainStepInline(admin.TabularInline):
    model = ChainStep
    extra = 0


@admin.register(ApprovalChain)
class ApprovalChainAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "number_pattern", "effective_from"]
    inlines = [ChainStepInline]


class ApprovalStepInline(admin.TabularInline):
    model = ApprovalStep
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in ApprovalStep._meta.fields]


@admin.register(Filing)
class FilingAdmin(admin.ModelAdmin):
    """Read-only here: filings move only through the services (and their audit rows)."""

    list_display = ["number", "kind", "account_name", "owner", "status", "submitted_at"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "account_name", "owner__name"]
    inlines = [ApprovalStepInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
