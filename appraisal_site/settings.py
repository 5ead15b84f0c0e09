"""Settings for the trust appraisal service.

Everything that differs between a laptop and production comes from the environment
(see ``.env.example``). With nothing set, the app runs on SQLite with tasks in-process.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# A development key is only acceptable when DEBUG is on; production must set its own.
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    default="insecure-development-key-only-for-debug" if DEBUG else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    # Third party
    "guardian",
    "simple_history",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.google",
    "axes",
    "django_htmx",
    # This project
    "appraisal_site",
    "submissions",
    "accounts",
    "organisation",
    "calendars",
    "policies",
    "audit",
    "cycles",
    "objectives",
    "reviews",
    "support_plans",
    "probation",
    "colleague_feedback",
    "pay_progression",
    "subject_access",
    "reports",
    "reminders",
    "retention",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Microsoft / Google sign-in pages answer 404 until the deployment sets them up.
    "accounts.middleware.UnconfiguredSocialSignInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # HR, headteachers, delegated leads and trust officers must set up an authenticator app.
    "accounts.middleware.MfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "audit.middleware.NoStoreMiddleware",
    # With DEBUG on, the service's "Page not found" instead of Django's list of URL patterns.
    "appraisal_site.middleware.FriendlyNotFoundMiddleware",
    # Axes must come last: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "appraisal_site.urls"
WSGI_APPLICATION = "appraisal_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organisation.context_processors.trust_context",
            ],
        },
    },
]
# Django forms render with GOV.UK Frontend markup from templates/forms/.
FORM_RENDERER = "appraisal_site.forms.GovukFormRenderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# `make test` runs the suite in parallel processes (pytest-xdist); each has its own test
# database, and takes its own Redis database too: the one given plus the process's number.
if REDIS_URL and (_worker := env.str("PYTEST_XDIST_WORKER", default="")):
    _redis = urlsplit(REDIS_URL)
    _redis_db = int(_redis.path.strip("/") or 0) + int(_worker.removeprefix("gw"))
    REDIS_URL = urlunsplit(_redis._replace(path=f"/{_redis_db}"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: staff sign in with their work email; accounts are made by the trust, not
# by self sign-up.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
}
MFA_FORMS = {
    "authenticate": "accounts.forms.MfaAuthenticateForm",
    "reauthenticate": "accounts.forms.MfaReauthenticateForm",
    "activate_totp": "accounts.forms.ActivateTOTPForm",
}
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Trust appraisal")
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
# Accounts are made by the trust from its own records, so the "attacker signs up with
# someone else's address" risk that unverified-email blocking guards against does not arise.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Not read from the environment: always on. Only tests of other areas switch it off
# (tests/conftest.py), so their HR and headteacher personas need no authenticator.
MFA_REQUIRED_FOR_PRIVILEGED_ROLES = True
# Where the visitor's address comes from (accounts.network.client_ip, used by the logs, by
# allauth's brake and by axes alike). Neither gunicorn nor Django takes it from
# X-Forwarded-For, so behind the TLS proxy REMOTE_ADDR is the proxy's own address. Set ONE
# of these to what the proxy really does; with neither, forwarding headers are ignored (any
# client can send them) and REMOTE_ADDR is used.
# - DJANGO_TRUSTED_PROXY_COUNT=N: N proxies of ours each append to X-Forwarded-For; the N-th
#   address from the right is the client (one TLS proxy in front of gunicorn: 1).
# - DJANGO_TRUSTED_CLIENT_IP_HEADER=X-Real-IP: a header the proxy always overwrites.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
TRUSTED_CLIENT_IP_HEADER = env.str("DJANGO_TRUSTED_CLIENT_IP_HEADER", default="")
# Sign-in brakes (allauth). Per account, "5/5m/key" is allauth's own default: 5 wrong
# passwords for one email address, or 5 wrong two-step codes for one account (allauth's
# MFA forms count under "login_failed" too, keyed by the account), then nothing more is
# checked for 5 minutes; axes (below) also locks the account for longer. Per network
# address the brake is generous: a whole school signs in through one address, and failures
# with invented accounts must never lock anybody else out; with the proxy set up above, the
# address is the attacker's own, so only they are slowed.
SIGN_IN_FAILURES_PER_MINUTE_PER_ADDRESS = env.int(
    "SIGN_IN_FAILURES_PER_MINUTE_PER_ADDRESS", default=300
)
ACCOUNT_RATE_LIMITS = {
    "login": f"{2 * SIGN_IN_FAILURES_PER_MINUTE_PER_ADDRESS}/m/ip",
    "login_failed": f"{SIGN_IN_FAILURES_PER_MINUTE_PER_ADDRESS}/m/ip,5/5m/key",
}
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, object]] = {}
if env.str("MICROSOFT_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["microsoft"] = {
        "APPS": [
            {
                "client_id": env.str("MICROSOFT_CLIENT_ID"),
                "secret": env.str("MICROSOFT_CLIENT_SECRET"),
                "settings": {"tenant": env.str("MICROSOFT_TENANT", default="organizations")},
            }
        ]
    }
if env.str("GOOGLE_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APPS": [
            {
                "client_id": env.str("GOOGLE_CLIENT_ID"),
                "secret": env.str("GOOGLE_CLIENT_SECRET"),
            }
        ],
        "SCOPE": ["profile", "email"],
    }

# django-axes: lock an account out after repeated failed sign-ins.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
# Lock out by account, not by address: a whole school signs in from one NAT address, and a
# per-address lockout would let one mistyping pupil-facing PC lock out every colleague.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_FORM_FIELD = "login"
# allauth passes the address as ``email``, not ``login``: count failures per address.
AXES_USERNAME_CALLABLE = "accounts.axes.username_for_attempt"
AXES_RESET_ON_SUCCESS = True
# The same client address as the logs and allauth (see TRUSTED_PROXY_COUNT above).
AXES_CLIENT_IP_CALLABLE = "accounts.network.client_ip"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"

# Sessions end after inactivity (the expiry slides with every request) and at sign-out.
SESSION_INACTIVITY_MINUTES = env.int("SESSION_INACTIVITY_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_INACTIVITY_MINUTES * 60
# Database sessions that also record the account, so a deactivated account's sessions can
# be ended at once (accounts.services.user_deactivate).
SESSION_ENGINE = "accounts.sessions"
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Production hardening: on unless DEBUG.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production (after collectstatic); plain files for
        # runserver and for the test suite's live server, which serves from the finders.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploaded evidence is never served by URL: only through access-checked views.
MEDIA_URL = "/media-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Largest evidence file a person may upload (PDF, image or Office document).
EVIDENCE_MAX_UPLOAD_BYTES = env.int("EVIDENCE_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# How long the download link of a copy of someone's personal data works (days); then the
# nightly file clean-up deletes the archive.
SUBJECT_ACCESS_LINK_DAYS = env.int("SUBJECT_ACCESS_LINK_DAYS", default=7)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Where the file-based backend (``make run``) writes each email.
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="appraisal@localhost")
# A hung mail server must not hold a reminder digest's claim for ever (seconds).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# The address links in emails point at (reminder digests are sent by workers, which have no
# request to take the host from).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Celery: Redis in production; in-process when no REDIS_URL is set (``make run`` then runs
# the beat schedule below with ``manage.py run_scheduled_jobs``).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Europe/London"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True  # every task is idempotent, so redelivery is safe
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 400_000  # KiB: PDF rendering is memory hungry
# A late-acked task still running when the broker connection drops would be redelivered
# to another worker while this one carries on: stop it instead (Celery 6's default).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers any unacknowledged message after ``visibility_timeout``: a task with an
# ETA beyond it, or a late-acked task still running past it, would run twice. So no task
# is ever scheduled ahead (reminders are swept from the database daily), and every task is
# stopped well before the timeout; long jobs (the retention purge) work to a time budget
# and queue their own continuation.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SOFT_TIME_LIMIT = 45 * 60
CELERY_TASK_TIME_LIMIT = 50 * 60
# Exactly one beat process. Times are Europe/London and never between 01:00 and 02:00,
# which happens twice (October) or not at all (March) when the clocks change.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "retention-purge-expired-records": {
        "task": "retention.tasks.purge_expired_records",
        "schedule": crontab(hour=2, minute=30),
    },
    "cycles-expire-access-grants": {
        "task": "retention.tasks.expire_access_grants",
        "schedule": crontab(hour=3, minute=15),
    },
    "retention-delete-pending-files": {
        "task": "retention.tasks.delete_pending_files",
        "schedule": crontab(hour=3, minute=45),
    },
    "reminders-daily-sweep": {
        "task": "reminders.tasks.daily_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
    "probation-daily-reminders": {
        "task": "probation.tasks.daily_reminders",
        "schedule": crontab(hour=6, minute=45),
    },
    # Digests that failed or whose sender died, through the working day.
    "reminders-send-pending": {
        "task": "reminders.tasks.send_pending_reminders",
        "schedule": crontab(hour="7-19", minute=15),
    },
}

# django-guardian: no anonymous user row; direct foreign-key permission tables.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
        "appraisal.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="platform-admin/")
