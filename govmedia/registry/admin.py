from django import forms
from django.contrib import admin, messages

from govmedia.registry import rules, services
from govmedia.registry.models import Contact, MediaAccount, Operator, Region, Unit


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "code", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "parent", "assessment_group"]
    list_filter = ["kind", "assessment_group"]
    search_fields = ["name"]
    autocomplete_fields = ["parent", "region"]

    def save_model(self, request, obj, form, change):
        services.do_save_unit(obj, acting_user=request.user)


@admin.register(Operator)
class OperatorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "qualification", "nda_signed_on", "contract_ends_on"]
    list_filter = ["kind"]
    search_fields = ["name"]


class AccountAdminForm(forms.ModelForm):
    class Meta:
        model = MediaAccount
        fields = "__all__"  # noqa: DJ007 — the administrator edits every field

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            for problem in rules.account_problems(self.instance):
                if problem.is_error:
                    self.add_error(None, problem.message)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(MediaAccount)
class MediaAccountAdmin(admin.ModelAdmin):
    list_display = ["name", "platform", "owner", "status", "followers"]
    list_filter = ["platform", "status", "content_type"]
    search_fields = ["name", "platform_uid", "owner__name"]
    autocomplete_fields = ["owner", "supervisor", "operator"]
    inlines = [ContactInline]
    form = AccountAdminForm

    def save_model(self, request, obj, form, change):
        saved = services.do_save_account(obj, acting_user=request.user)
        for warning in saved.warnings:
            messages.warning(request, warning.message)
