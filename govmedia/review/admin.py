from django.contrib import admin

from govmedia.review.models import ChainStep, Decision, Review, ReviewerAssignment, ReviewPolicy


@admin.register(ReviewPolicy)
class ReviewPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "approval_valid_hours"]


@admin.register(ReviewerAssignment)
class ReviewerAssignmentAdmin(admin.ModelAdmin):
    list_display = ["unit", "position", "user"]
    list_filter = ["position"]
    search_fields = ["unit__name", "user__username", "user__display_name"]
    autocomplete_fields = ["unit", "user"]


@admin.register(ChainStep)
class ChainStepAdmin(admin.ModelAdmin):
    list_display = ["unit", "level", "order", "position", "user", "mode"]
    list_filter = ["level", "position", "mode"]
    search_fields = ["unit__name"]
    autocomplete_fields = ["unit", "user"]


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in Decision._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Read-only here: state changes go through the review pages and their services."""

    list_display = ["title", "unit", "author", "level", "status", "updated_at"]
    list_filter = ["status", "level"]
    search_fields = ["title", "unit__name"]
    inlines = [DecisionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
