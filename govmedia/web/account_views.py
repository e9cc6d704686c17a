"""The user's own account: password change and the optional TOTP second factor (等保 2.0 身份鉴别)."""

from __future__ import annotations

import base64
import io

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from govmedia.core.audit import audit


class TokenForm(forms.Form):
    token = forms.RegexField(
        label="6 位动态验证码",
        regex=r"^\d{6}$",
        error_messages={"invalid": "请输入手机验证器上显示的 6 位数字"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse_lazy("web:matrix")


@login_required
def otp_setup(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device:
        return render(request, "web/otp_setup.html", {"enrolled": True})
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "手机验证器"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save()
                audit(request.user, "core.second_factor_enabled", request.user)
            otp_login(request, device)
            messages.success(request, "两步验证已开启，以后登录需输入手机验证器上的动态验证码")
            return redirect(_next(request))
        form.add_error("token", "验证码不正确或已过期，请核对手机时间后重试")
    buffer = io.BytesIO()
    write_qrcode_image(device.config_url, buffer)
    return render(
        request,
        "web/otp_setup.html",
        {
            "form": form,
            "qr": "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode(),
            "secret": base64.b32encode(device.bin_key).decode(),
            "next": request.GET.get("next", ""),
        },
    )


@login_required
def otp_verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_next(request))
        form.add_error("token", "验证码不正确或已过期；连续错误会暂时锁定")
    return render(request, "web/otp_verify.html", {"form": form, "next": request.GET.get("next", "")})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "web/password_change.html"
    success_url = reverse_lazy("web:matrix")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit(self.request.user, "core.password_changed", self.request.user)
        messages.success(self.request, "密码已修改")
        return response
