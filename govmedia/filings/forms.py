from __future__ import annotations

from django import forms

from govmedia.filings.models import UNDERTAKING, Filing, FilingKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

ACCOUNT_PART = [
    "account_name",
    "platform",
    "platform_uid",
    "url",
    "registered_on",
    "verified",
    "news_licence",
    "purpose",
    "sections",
    "operation_start",
    "followers",
]
PEOPLE_PART = [
    "owner_leader",
    "owner_leader_phone",
    "operator",
    "operator_leader",
    "operator_phone",
    "head_name",
    "head_office_phone",
    "head_mobile",
    "deputy_name",
    "deputy_office_phone",
    "deputy_mobile",
    "admin_name",
    "admin_office_phone",
    "admin_mobile",
]
CASE_PART = ["reason", "decided_on", "remarks"]
NOTICE_PART = ["notice_url", "notice_screenshot", "notice_published_on", "app_delisted", "top_consent_ref"]


class FilingForm(forms.ModelForm):
    """The union of the attached forms; the kind decides which closing fields are shown."""

    class Meta:
        model = Filing
        fields = [
            *ACCOUNT_PART,
            *PEOPLE_PART,
            *CASE_PART,
            *NOTICE_PART,
            "merged_accounts",
            "undertaking_accepted",
        ]
        widgets = {
            "registered_on": DATE,
            "operation_start": DATE,
            "decided_on": DATE,
            "notice_published_on": DATE,
            "reason": forms.Textarea(attrs={"rows": 3}),
            "remarks": forms.Textarea(attrs={"rows": 2}),
            "merged_accounts": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, kind: str, accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["undertaking_accepted"].label = "本单位已阅读并接受以下承诺"
        self.fields["undertaking_accepted"].help_text = UNDERTAKING
        if kind == FilingKind.OPEN:
            for name in NOTICE_PART:
                self.fields.pop(name)
        elif kind != FilingKind.CLOSE:
            self.fields.pop("top_consent_ref")
            self.fields.pop("app_delisted")
        if kind in {FilingKind.SUSPEND, FilingKind.CLOSE, FilingKind.MERGE}:
            self.fields["notice_published_on"].required = True
        if kind == FilingKind.MERGE and accounts is not None:
            self.fields["merged_accounts"].queryset = accounts
            self.fields["merged_accounts"].required = True
            self.fields["merged_accounts"].label = "并入本账号后注销的账号"
        else:
            self.fields.pop("merged_accounts")

    def groups(self):
        """Field groups for the template, in the order of the paper forms."""
        groups = [
            ("账号信息", ACCOUNT_PART),
            ("主办、承办单位与管理队伍", PEOPLE_PART),
            ("事由", CASE_PART),
            ("停更公告与注销", NOTICE_PART),
            ("整合", ["merged_accounts"]),
            ("承诺栏", ["undertaking_accepted"]),
        ]
        result = []
        for title, names in groups:
            fields = [self[n] for n in names if n in self.fields]
            if fields:
                result.append((title, fields))
        return result


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="审批意见", choices=[("approve", "同意"), ("return", "退回修改"), ("reject", "不同意")]
    )
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RegistrationForm(forms.Form):
    on = forms.DateField(label="国家、省系统登记日期", widget=DATE)
