"""Platform credentials encrypted at rest (Fernet), never shown back in full, never logged.

The key comes from ``GOVMEDIA_CREDENTIALS_KEY`` (a Fernet key); without it a key is derived
from Django's SECRET_KEY so the demo works out of the box.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class CredentialsError(ValueError):
    pass


def _fernet() -> Fernet:
    key = os.environ.get("GOVMEDIA_CREDENTIALS_KEY", "").strip()
    if not key:
        digest = hashlib.sha256(("govmedia-credentials:" + settings.SECRET_KEY).encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    try:
        return Fernet(key.encode())
    except ValueError:
        raise CredentialsError("环境变量 GOVMEDIA_CREDENTIALS_KEY 不是有效的 Fernet 密钥") from None


def encrypt(values: dict) -> str:
    return _fernet().encrypt(json.dumps(values, ensure_ascii=False).encode()).decode()


def decrypt(token: str) -> dict:
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken:
        raise CredentialsError("凭证无法解密：密钥已更换或数据损坏，请重新填写凭证") from None


def mask(value: str) -> str:
    """Show only enough of a secret to recognise it: ``wx12****cdef``."""
    value = str(value or "")
    if len(value) <= 8:
        return "****" if value else ""
    return f"{value[:4]}****{value[-4:]}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
