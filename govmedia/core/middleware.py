"""Security headers, audit context and account policy (等保 2.0: 身份鉴别、入侵防范)."""

from govmedia.core.models import Role

# No inline scripts anywhere; the admin's templates still carry inline style attributes.
_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'{admin_styles}; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"
        self.policy = _POLICY.format(admin_styles="")
        self.admin_policy = _POLICY.format(admin_styles=" 'unsafe-inline'")

    def __call__(self, request):
        response = self.get_response(request)
        is_admin = request.path.startswith(self.admin_prefix)
        response.setdefault("Content-Security-Policy", self.admin_policy if is_admin else self.policy)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Pages with scoped data must not linger in shared browsers' caches.
            response.setdefault("Cache-Control", "no-store")
        return response


class AuditContextMiddleware:
    """Make the client's address available to audit rows written while serving the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from govmedia.core.audit import current_ip

        token = current_ip.set(request.META.get("REMOTE_ADDR") or None)
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class AccountPolicyMiddleware:
    """Before any page: an expired password must be changed, and a second factor verified.

    A user with a confirmed TOTP device must enter its code after the password; when
    ``REQUIRE_SECOND_FACTOR_FOR_SUPERVISORS`` is on, supervisors and admins without one are
    sent to enrol. The API (token auth) is exempt; session use of the API is not.
    """

    EXEMPT_PREFIXES = ("/login/", "/logout/", "/account/", "/static/", "/healthz", "/public/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        redirect_to = self._required_step(request)
        if redirect_to:
            from django.shortcuts import redirect

            return redirect(f"{redirect_to}?next={request.get_full_path()}")
        return self.get_response(request)

    def _required_step(self, request) -> str | None:
        import datetime as dt

        from django.conf import settings
        from django.urls import reverse
        from django.utils import timezone

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(self.EXEMPT_PREFIXES):
            return None
        if request.META.get("HTTP_AUTHORIZATION", "").startswith("Token "):
            return None
        max_age = settings.PASSWORD_MAX_AGE_DAYS
        changed = user.password_changed_at
        if max_age and (changed is None or timezone.now() - changed > dt.timedelta(days=max_age)):
            return reverse("password_change")
        from django_otp import user_has_device

        if user_has_device(user, confirmed=True):
            return None if user.is_verified() else reverse("otp_verify")
        privileged = user.is_superuser or user.role in {Role.SUPERVISOR, Role.ADMIN}
        if settings.REQUIRE_SECOND_FACTOR_FOR_SUPERVISORS and privileged:
            return reverse("otp_setup")
        return None


class RejectNullBytesMiddleware:
    """A NUL byte in a parameter is never legitimate input; databases refuse it (PostgreSQL) or
    choke on it (SQLite), so it is refused here with a clear message instead of a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or "%00" in request.META.get("QUERY_STRING", "")
            or any("\x00" in value for values in request.GET.lists() for value in values[1])
        ):
            from django.http import HttpResponseBadRequest

            return HttpResponseBadRequest(
                "请求参数含有非法的空字符（\\x00），已拒绝".encode(), content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
