from django.contrib import admin

from govmedia.results.models import Assessment, Bulletin, CleanupCandidate, Notice, Rectification


@admin.register(Rectification)
class RectificationAdmin(admin.ModelAdmin):
    list_display = ["unit", "status", "deadline", "exposed", "sent_at"]
    list_filter = ["status", "exposed"]
    readonly_fields = [f.name for f in Rectification._meta.concrete_fields]


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ["title", "number", "status", "created_at"]
    readonly_fields = ["content", "status", "published_at", "approved_at"]


admin.site.register(Notice)
admin.site.register(Assessment)
admin.site.register(CleanupCandidate)
