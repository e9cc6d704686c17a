"""Security headers for every response (等保 2.0: protection against intrusion and bad input)."""

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
