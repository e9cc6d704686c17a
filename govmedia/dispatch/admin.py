from django.contrib import admin

from govmedia.dispatch.models import Directive, Task, TaskReminder


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    raw_id_fields = ["account", "post", "acknowledged_by", "confirmed_by"]


@admin.register(Directive)
class DirectiveAdmin(admin.ModelAdmin):
    list_display = ["title", "issuer", "kind", "deadline", "issued_at", "closed_at"]
    list_filter = ["kind"]
    inlines = [TaskInline]


admin.site.register(TaskReminder)
