import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from govmedia.riskcheck import services

MAX_CHARS = 50_000


class CheckForm(forms.Form):
    text = forms.CharField(
        label="待检测文本",
        required=False,
        max_length=MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 12, "placeholder": "粘贴稿件标题和正文"}),
        error_messages={"max_length": f"文本过长，一次最多检测 {MAX_CHARS} 字"},
    )
    upload = forms.FileField(label="或上传文件（.txt 或 .docx，不超过 5 MB）", required=False)
    as_of = forms.DateField(
        label="按此日期的机构名称和职务检查",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="回顾性文章可填写文中所述时间；默认今天",
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload:
            try:
                cleaned["text"] = services.text_of_upload(upload.name, upload.read(), upload.size)
            except services.UploadRefused as refused:
                self.add_error("upload", str(refused))
        elif not cleaned.get("text") and "text" not in self.errors:
            self.add_error("text", "请粘贴文本或上传文件")
        if len(cleaned.get("text") or "") > MAX_CHARS:
            self.add_error("upload", f"文本过长，一次最多检测 {MAX_CHARS} 字")
        return cleaned


@login_required
def check_page(request):
    form = CheckForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        region = request.user.unit.region if request.user.unit else None
        hits = services.checker_for(region).check(text, as_of=form.cleaned_data["as_of"] or dt.date.today())
        result = {
            "segments": services.segments(text, hits),
            "hits": [services.describe(h) for h in hits],
            "serious": sum(h.severity == "serious" for h in hits),
        }
    return render(request, "riskcheck/check.html", {"form": form, "result": result})
