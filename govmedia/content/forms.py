"""The credentials form: one field per key the account's platform connector reads.

Secrets are never rendered back: a field shows what is stored only masked, and a blank
field keeps the stored value (services.do_update_credentials).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.core.validators import URLValidator

from govmedia.content.services import CREDENTIAL_KEYS


@dataclass(frozen=True)
class Key:
    label: str
    secret: bool
    pattern: str = r"^\S{1,500}$"
    rule: str = "不能含空格，长度不超过 500 个字符"
    help: str = ""


KEYS = {
    "appid": Key(
        "AppID（开发者ID）",
        False,
        r"^wx[0-9A-Za-z]{16}$",
        "应为 wx 开头的 18 位字母或数字",
        "公众平台“设置与开发 → 基本配置”中的开发者ID",
    ),
    "secret": Key(
        "AppSecret（开发者密码）",
        True,
        r"^[0-9A-Za-z]{16,64}$",
        "应为 16 到 64 位字母或数字",
        "采集已发布内容、粉丝数和留言时使用",
    ),
    "token": Key(
        "Token（令牌）",
        True,
        r"^[0-9A-Za-z]{3,32}$",
        "应为 3 到 32 位字母或数字",
        "与公众平台“服务器配置”中填写的 Token 一致；未填写时以推送地址中的令牌签名",
    ),
    "encoding_aes_key": Key(
        "EncodingAESKey（消息加解密密钥）",
        True,
        r"^[0-9A-Za-z+/]{43}$",
        "应为 43 位字母或数字（公众平台“服务器配置”中随机生成）",
        "填写后该账号只接受安全模式（加密）推送，并需同时填写 AppID",
    ),
    "access_token": Key("access_token（授权令牌）", True, help="微博开放平台授权后取得"),
    "uid": Key("UID（微博用户ID）", False, r"^\d{1,20}$", "应为数字", "留空则使用账号登记的平台账号ID"),
    "client_key": Key("Client Key（应用标识）", False, help="抖音开放平台应用的 client_key"),
    "refresh_token": Key("refresh_token（刷新令牌）", True, help="扫码授权后取得；失效后需重新授权"),
    "open_id": Key("open_id（授权用户ID）", False, help="扫码授权后取得"),
    "app_id": Key("App ID（应用ID）", False, help="快手开放平台应用的 app_id"),
    "app_secret": Key("App Secret（应用密钥）", True),
}


class CredentialsForm(forms.Form):
    feed_url = forms.CharField(
        label="订阅源地址",
        required=False,
        max_length=500,
        help_text="RSS、Atom 或 JSON Feed 地址；平台没有开放接口时用它采集",
        widget=forms.URLInput(attrs={"size": 60, "placeholder": "https://"}),
    )

    def __init__(self, *args, platform: str, stored: dict[str, str], feed_url: str = "", **kwargs):
        super().__init__(*args, initial={"feed_url": feed_url}, **kwargs)
        self.keys = CREDENTIAL_KEYS.get(platform, ())
        self.stored = stored
        for name in self.keys:
            key = KEYS[name]
            shown = stored.get(name)
            attrs = {
                "autocomplete": "off",
                "spellcheck": "false",
                "size": 48,
                "placeholder": f"已保存 {shown}，留空不修改" if shown else "未填写",
            }
            widget = forms.PasswordInput(attrs=attrs) if key.secret else forms.TextInput(attrs=attrs)
            self.fields[name] = forms.CharField(
                label=key.label, required=False, max_length=500, strip=True, widget=widget, help_text=key.help
            )
        self.order_fields([*self.keys, "feed_url"])

    def clean(self):
        data = super().clean()
        for name in self.keys:
            value = data.get(name) or ""
            if value and not re.match(KEYS[name].pattern, value):
                self.add_error(name, f"{KEYS[name].label}{KEYS[name].rule}")
        if data.get("encoding_aes_key") and not (data.get("appid") or self.stored.get("appid")):
            self.add_error("appid", "启用安全模式需要同时填写 AppID（开发者ID），用于核对消息的接收方")
        return data

    def clean_feed_url(self) -> str:
        url = self.cleaned_data["feed_url"].strip()
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except forms.ValidationError:
                raise forms.ValidationError("订阅源地址必须是以 http:// 或 https:// 开头的网址") from None
        return url

    def entered(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.keys if self.cleaned_data.get(name)}
