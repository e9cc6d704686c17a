from django.contrib import admin

from govmedia.content.models import Connection, Message, Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "account", "published_at", "reads", "source"]
    list_filter = ["source", "kind", "is_original"]
    search_fields = ["title", "platform_post_id"]
    raw_id_fields = ["account"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["text", "account", "kind", "received_at", "replied_at"]
    list_filter = ["kind", "source"]
    raw_id_fields = ["account", "post"]


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    # credentials_encrypted and push_token_hash are not editable and never shown
    list_display = ["account", "method", "health", "last_success_at", "last_error"]
    list_filter = ["health", "method", "last_error_kind"]
    raw_id_fields = ["account"]
    readonly_fields = [
        "health",
        "last_attempt_at",
        "last_success_at",
        "last_error",
        "last_error_kind",
        "last_error_at",
        "failures",
        "cursor",
    ]
