from django.contrib import admin

from govmedia.interaction.models import Answer, Case, KindRule, Notification, ReplyPolicy, Topic


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["id", "message", "status", "kind", "topic", "deadline", "assignee", "answered_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["message", "assignee", "answered_by", "answer_used"]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["question", "owner", "topic", "valid_from", "valid_until", "reviewed_on", "active"]
    search_fields = ["question", "answer"]


admin.site.register(Topic)
admin.site.register(KindRule)
admin.site.register(ReplyPolicy)
admin.site.register(Notification)
