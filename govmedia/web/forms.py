from django import forms

from govmedia.registry.models import Contact, MediaAccount, Unit

_ACCOUNT_FIELDS = [
    "name",
    "platform",
    "platform_uid",
    "owner",
    "operator",
    "url",
    "qr_code",
    "content_type",
    "has_interaction",
    "verified",
    "news_licence",
    "purpose",
    "sections",
    "opened_on",
    "status",
    "followers",
    "duplicate_reason",
]


class AccountForm(forms.ModelForm):
    class Meta:
        model = MediaAccount
        fields = _ACCOUNT_FIELDS
        widgets = {"opened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["owner"].queryset = units
        for role, label in Contact.Role.choices:
            contact = self.instance.contacts.filter(role=role).first() if self.instance.pk else None
            self.fields[f"{role}_name"] = forms.CharField(
                label=f"{label}姓名", required=False, max_length=50, initial=getattr(contact, "name", "")
            )
            self.fields[f"{role}_mobile"] = forms.RegexField(
                label=f"{label}手机",
                required=False,
                regex=r"^1[3-9]\d{9}$",
                initial=getattr(contact, "mobile", ""),
                error_messages={"invalid": "应为 11 位手机号码"},
            )

    def clean_qr_code(self):
        image = self.cleaned_data.get("qr_code")
        if image and hasattr(image, "size") and image.size > 2 * 1024 * 1024:
            raise forms.ValidationError("二维码图片不能超过 2 MB")
        return image

    def contacts(self) -> dict[str, dict]:
        return {
            role: {
                "name": self.cleaned_data.get(f"{role}_name", ""),
                "mobile": self.cleaned_data.get(f"{role}_mobile", ""),
            }
            for role, _ in Contact.Role.choices
        }


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "region", "parent", "assessment_group", "contact_name", "contact_phone"]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=[("accounts", "账号"), ("units", "单位")])
    file = forms.FileField(label="文件（.xlsx 或 .csv）")
    dry_run = forms.BooleanField(label="只检查、不导入（预览将发生的变化）", required=False)
