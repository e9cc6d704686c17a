from __future__ import annotations

from django import forms

from govmedia.registry.models import MediaAccount
from govmedia.review.models import ELEMENT_CHECKLIST, ReasonTag, SignOff

MAX_BODY_CHARS = 50_000


class DraftForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(
        label="正文",
        max_length=MAX_BODY_CHARS,
        widget=forms.Textarea(
            attrs={"rows": 14, "placeholder": "直接输入正文（空行分段），或粘贴排版后的内容"}
        ),
        error_messages={"max_length": f"正文过长，最多 {MAX_BODY_CHARS} 字"},
    )
    accounts = forms.ModelMultipleChoiceField(
        label="发布账号",
        queryset=MediaAccount.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个发布账号"},
    )
    planned_at = forms.DateTimeField(
        label="计划发布时间",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    chosen_level = forms.ChoiceField(
        label="签发级别",
        choices=SignOff.choices,
        initial=SignOff.ROUTINE,
        help_text="一般：一审、二审；重要：加三审；重大敏感：再加单位主要负责人签发。含严重风险或敏感词时自动升级",
    )

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].queryset = MediaAccount.objects.filter(owner=unit).order_by(
            "platform", "name"
        )


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", "通过"), ("return", "退回修改"), ("reject", "不通过")])
    elements = forms.MultipleChoiceField(
        label="审核要素（逐项确认）",
        required=False,
        choices=[(k, f"{label}：{text}") for k, (label, text) in ELEMENT_CHECKLIST.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    reason_tags = forms.MultipleChoiceField(
        label="退回或不通过的原因",
        required=False,
        choices=ReasonTag.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class UploadForm(forms.Form):
    file = forms.FileField(label="图片或视频")
    caption = forms.CharField(label="说明文字（图片替代文字）", max_length=300, required=False)
