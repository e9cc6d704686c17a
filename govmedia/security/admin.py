from django.contrib import admin

from govmedia.security.models import (
    AccountSecurity,
    DutyShift,
    IncidentEvent,
    SecurityIncident,
    SecurityReminder,
)


class EventInline(admin.TabularInline):
    model = IncidentEvent
    extra = 0


@admin.register(SecurityIncident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["title", "account", "kind", "level", "status", "occurred_at", "takedown"]
    list_filter = ["kind", "level", "status"]
    inlines = [EventInline]


@admin.register(AccountSecurity)
class AccountSecurityAdmin(admin.ModelAdmin):
    list_display = ["account", "password_holder", "password_changed_on", "two_factor"]


admin.site.register(DutyShift)
admin.site.register(SecurityReminder)
