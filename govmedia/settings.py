"""Settings for govmedia: one module, configured only by environment variables.

SQLite in the data directory unless ``DATABASE_URL`` is set (``sqlite:///abs/path.sqlite3``
or ``postgres://user:pass@host/db``). DEBUG is off unless ``GOVMEDIA_DEBUG`` is set.
"""

from pathlib import Path

import dj_database_url

from govmedia.env import env_bool, env_int, env_list, env_str, generated_secret

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("GOVMEDIA_DATA_DIR", str(BASE_DIR / "data")))

DEBUG = env_bool("GOVMEDIA_DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY") or generated_secret(DATA_DIR / "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "govmedia.core",
    "govmedia.registry",
    "govmedia.riskcheck",
    "govmedia.review",
    "govmedia.content",
    "govmedia.filings",
    "govmedia.supervision",
    "govmedia.interaction",
    "govmedia.dispatch",
    "govmedia.security",
    "govmedia.results",
    "govmedia.web",
    "govmedia.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "govmedia.core.middleware.RejectNullBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "govmedia.core.middleware.SecurityHeadersMiddleware",
    "govmedia.core.middleware.AuditContextMiddleware",
    "govmedia.core.middleware.AccountPolicyMiddleware",
]

ROOT_URLCONF = "govmedia.urls"
WSGI_APPLICATION = "govmedia.wsgi.application"
AUTH_USER_MODEL = "core.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "govmedia.web.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'govmedia.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the scheduler and the web server write without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# Optional TOTP second factor; supervisors (and admins) must enrol when this is on.
REQUIRE_SECOND_FACTOR_FOR_SUPERVISORS = env_bool("REQUIRE_SECOND_FACTOR_FOR_SUPERVISORS", False)
OTP_TOTP_ISSUER = "govmedia 政务新媒体管理平台"
# Password expiry in days (0: never); the user is sent to change it before anything else.
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 0)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:matrix"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_TIMEOUT_MINUTES", 120) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("GOVMEDIA_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GOVMEDIA_HSTS_SUBDOMAINS", True)
    # Joining the browsers' preload list is the domain owner's decision, not the application's.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("GOVMEDIA_MEDIA_ROOT", str(DATA_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_MB", 20) * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "govmedia 政务新媒体管理平台 API",
    "DESCRIPTION": "单位、账号等只读接口；数据范围与页面一致。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # One stable name per choice set, so clients see AccountStatusEnum rather than Status882Enum.
    "ENUM_NAME_OVERRIDES": {
        "AccountStatusEnum": "govmedia.registry.models.AccountStatus",
        "UnitKindEnum": "govmedia.registry.models.UnitKind",
        "FilingKindEnum": "govmedia.filings.models.FilingKind",
        "FilingStatusEnum": "govmedia.filings.models.FilingStatus",
        "StepStatusEnum": "govmedia.filings.models.StepStatus",
        "IndicatorKindEnum": "govmedia.supervision.models.IndicatorKind",
        "FindingStatusEnum": "govmedia.supervision.models.FindingStatus",
        "InspectionKindEnum": "govmedia.supervision.models.InspectionKind",
        "InspectionStatusEnum": "govmedia.supervision.models.InspectionStatus",
        "PostKindEnum": "govmedia.content.models.PostKind",
        "MessageKindEnum": "govmedia.content.models.MessageKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Celery: the distributed mode when a broker is configured, in-process otherwise.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the task to be redelivered
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_RESULT_EXPIRES = 24 * 3600

# Notifications of rectifications and reminders: in-app always, plus these channels.
RESULTS_NOTIFY_CHANNELS = env_list("NOTIFY_CHANNELS", [])  # e.g. "email,webhook"
RESULTS_WEBHOOK_URLS = env_list("NOTIFY_WEBHOOK_URLS", [])  # WeCom / DingTalk robot URLs
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "govmedia@localhost")
