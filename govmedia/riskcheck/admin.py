from django.contrib import admin

from govmedia.riskcheck.models import CheckTerm


@admin.register(CheckTerm)
class CheckTermAdmin(admin.ModelAdmin):
    list_display = ["term", "kind", "office", "suggestion", "region", "valid_from", "valid_until", "source"]
    list_filter = ["kind", "region"]
    search_fields = ["term", "office", "suggestion"]
