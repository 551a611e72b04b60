"""The newsroom's one settings module.

Every value comes from the environment through the typed helpers below; the defaults
suit a developer's machine, production supplies its own values.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from embeds.providers import FRAME_HOSTS as EMBED_FRAME_HOSTS

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "django-insecure-development-only-key" if DEBUG else None)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS to the site's host names.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# HTTPS. Production defaults are strict; a developer's machine serves plain HTTP.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Probes from the load balancer arrive over plain HTTP inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$"]
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    # Only when the proxy in front sets this header itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Django's own Content-Security-Policy: no inline script or style unless it carries the
# per-response nonce (`{{ csp_nonce }}` in templates).
MEDIA_ORIGIN = env_str("NEWSROOM_MEDIA_ORIGIN", "")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    # Our own pages (previews) and the players of the embed providers, nothing else.
    "frame-src": [CSP.SELF, *EMBED_FRAME_HOSTS],
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.redirects",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "taggit",
    "axes",
    # Staff two-factor sign-in (desk/two_factor.py): authenticator apps and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_prose_editor",
    "lib",
    "photos",
    "embeds",
    "labels",
    "articles",
    "feed",
    "liveblogs",
    "desk",
    "ingest",
    "bench",
]

MIDDLEWARE = [
    "lib.requestid.RequestIdMiddleware",  # first, so every response carries X-Request-ID
    # Load balancer probes, answered whatever Host they send (a backend's own address).
    "lib.health.ProbeMiddleware",
    # The security headers sit above everything that answers, so every response a reader
    # can get (page-cache hit, stale copy, 304, 404, 410, 503) carries them.
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag comparison and 304s, for cached and fresh pages alike.
    "django.middleware.http.ConditionalGetMiddleware",
    # Answers anonymous readers from the page cache before anything below runs.
    "lib.middleware.PageCacheMiddleware",
    "lib.middleware.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether the session was verified with a second factor; the admin stays closed to
    # staff who have (or must have) one until it is (desk/two_factor.py).
    "django_otp.middleware.OTPMiddleware",
    "desk.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, so it only sees real 404s: old URLs recorded by imports (e.g. WordPress).
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
    # Turns a throttled admin login into a lockout page.
    "axes.middleware.AxesMiddleware",
]
# Sessions in PostgreSQL; a cookie that is not a key Django made is no session, not a query.
SESSION_ENGINE = "lib.sessions"
SITE_ID = 1

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    # The public pages: Jinja2, from templates/jinja2/ only (see newsroom/jinja2.py).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "newsroom.jinja2.environment",
            "context_processors": [
                "django.template.context_processors.csp",
                "newsroom.context_processors.site",
            ],
        },
    },
    # The admin, sitemaps, robots.txt and every app's own templates.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "newsroom.context_processors.site",
            ],
        },
    },
]

# PostgreSQL only. `make run` and `make test` point DATABASE_URL at a project-local
# server when none is given.
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "Set DATABASE_URL to a PostgreSQL server (postgres://user@host:5432/newsroom), "
        "or use `make run` / `make test`, which start a local one."
    )
DATABASES = {
    "default": dj_database_url.config(
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
if os.environ.get("DATABASE_REPLICA_URL"):
    # Anonymous readers' queries go to the replica; editors and all writes to the primary.
    DATABASES["replica"] = dj_database_url.config(
        "DATABASE_REPLICA_URL",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["lib.routers.ReplicaRouter"]
# Pages purged this recently are rendered from the primary, which the replica may trail.
NEWSROOM_REPLICA_LAG_SECONDS = env_int("NEWSROOM_REPLICA_LAG_SECONDS", 10)
# Every wait on the database is bounded, so a database that hangs (a frozen server, a
# partition, a migration's lock) costs readers a 503 within seconds, never a stuck worker.
# The server ends what it can (statement, lock, idle-in-transaction timeouts); keepalives
# notice a dead peer; lib.postgresql shuts any wait longer than HANG_SECONDS and then fails
# fast for a second. manage.py sets 0 (no limit) for staff commands and migrations; set
# these to your own values for long jobs.
NEWSROOM_DATABASE_HANG_SECONDS = env_int("NEWSROOM_DATABASE_HANG_SECONDS", 4)
_SERVER_TIMEOUTS = {
    "statement_timeout": env_int("DATABASE_STATEMENT_TIMEOUT_MS", 3000),
    "lock_timeout": env_int("DATABASE_LOCK_TIMEOUT_MS", 2000),
    "idle_in_transaction_session_timeout": env_int("DATABASE_IDLE_IN_TRANSACTION_MS", 60000),
}
for database in DATABASES.values():
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL.")
    database["ENGINE"] = "lib.postgresql"
    options = database.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 2))
    options.setdefault("keepalives", 1)
    options.setdefault("keepalives_idle", 5)
    options.setdefault("keepalives_interval", 2)
    options.setdefault("keepalives_count", 3)
    options.setdefault("tcp_user_timeout", 10_000)
    options.setdefault(
        "options", " ".join(f"-c {name}={value}" for name, value in _SERVER_TIMEOUTS.items())
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Older hashes still verify and are upgraded to Argon2 at the next login.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    # Refuses logins while a username and address pair is locked out (django-axes).
    "lib.throttling.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Editors and Admins must sign in with a code from an authenticator app (on in production).
NEWSROOM_REQUIRE_2FA = env_bool("NEWSROOM_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = env_str("NEWSROOM_NAME", "The Newsroom")
AXES_FAILURE_LIMIT = env_int("NEWSROOM_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("NEWSROOM_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every manage.py command
AXES_CLIENT_IP_CALLABLE = "lib.throttling.client_ip"
# The account from any mix of addresses: this many failures within these minutes lock it
# everywhere for those minutes (lib.throttling). Short, so nobody can keep an editor out.
AXES_HANDLER = "lib.throttling.LoginThrottleHandler"
NEWSROOM_LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("NEWSROOM_LOGIN_ACCOUNT_FAILURE_LIMIT", 10)
NEWSROOM_LOGIN_ACCOUNT_COOLOFF_MINUTES = env_int("NEWSROOM_LOGIN_ACCOUNT_COOLOFF_MINUTES", 5)
# A failure while locked is refused but does not prolong the lock.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Every failure and lock (username, address, time) for Admins in the admin; log lines
# mask the username and address, and no password is ever stored or logged.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# How many proxies in front append to X-Forwarded-For; 0 trusts only the socket's address.
NEWSROOM_PROXY_COUNT = env_int("NEWSROOM_PROXY_COUNT", 0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env_str("NEWSROOM_LANGUAGE", "en-gb")
TIME_ZONE = env_str("NEWSROOM_TIME_ZONE", "Europe/Kyiv")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("NEWSROOM_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("NEWSROOM_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploads larger than this are refused before they reach Pillow.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

TAGGIT_CASE_INSENSITIVE = True

# Caching: Redis shared by every app server when REDIS_URL is set, else this process's memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": "lib.pagecache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("NEWSROOM_CACHE_PREFIX", "newsroom"),
        # A dead Redis must cost milliseconds, not a hung worker.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "KEY_PREFIX": env_str("NEWSROOM_CACHE_PREFIX", "newsroom"),
    }
}
# Full pages for anonymous readers: fresh for this long unless purged first (0 turns it off).
NEWSROOM_PAGE_CACHE_SECONDS = env_int("NEWSROOM_PAGE_CACHE_SECONDS", 300)
# Kept this much longer to answer readers while the database is down.
NEWSROOM_PAGE_STALE_SECONDS = env_int("NEWSROOM_PAGE_STALE_SECONDS", 86_400)
# Pages each app server process also keeps in memory, checked against the shared
# versions on every hit (about 50 KB each).
NEWSROOM_LOCAL_PAGE_CACHE_ENTRIES = env_int("NEWSROOM_LOCAL_PAGE_CACHE_ENTRIES", 500)
# Blocks many pages show alike (section navigation, the News Feed beside a story, Latest,
# Related), kept by each process under the page cache's versions (0 builds each one afresh).
NEWSROOM_SHARED_BLOCKS = env_int("NEWSROOM_SHARED_BLOCKS", 2_000)
NEWSROOM_SHARED_BLOCK_SECONDS = env_int("NEWSROOM_SHARED_BLOCK_SECONDS", 300)
# What a CDN or browser in front may do with public pages.
NEWSROOM_HTTP_MAX_AGE = env_int("NEWSROOM_HTTP_MAX_AGE", 30)
NEWSROOM_HTTP_S_MAXAGE = env_int("NEWSROOM_HTTP_S_MAXAGE", 60)
NEWSROOM_HTTP_STALE_WHILE_REVALIDATE = env_int("NEWSROOM_HTTP_STALE_WHILE_REVALIDATE", 30)
NEWSROOM_HTTP_STALE_IF_ERROR = env_int("NEWSROOM_HTTP_STALE_IF_ERROR", 86_400)
# Seconds a reader is asked to wait when the database is unreachable.
NEWSROOM_RETRY_AFTER = env_int("NEWSROOM_RETRY_AFTER", 30)

# The outlet itself.
NEWSROOM_NAME = env_str("NEWSROOM_NAME", "The Newsroom")
NEWSROOM_FEED_BATCH = env_int("NEWSROOM_FEED_BATCH", 20)
# An open News Feed asks for new, updated and withdrawn entries this often, and stops
# asking after this long without the reader touching the page.
NEWSROOM_FEED_CHECK_SECONDS = env_int("NEWSROOM_FEED_CHECK_SECONDS", 30)
NEWSROOM_FEED_IDLE_SECONDS = env_int("NEWSROOM_FEED_IDLE_SECONDS", 1800)
# How Google News and the structured data name the outlet and its language (ISO 639).
NEWSROOM_PUBLICATION_NAME = env_str("NEWSROOM_PUBLICATION_NAME", NEWSROOM_NAME)
NEWSROOM_PUBLICATION_LANGUAGE = env_str(
    "NEWSROOM_PUBLICATION_LANGUAGE", LANGUAGE_CODE.split("-")[0]
)
# Readers take in about 180 words a minute on screens, slower than on paper.
NEWSROOM_WORDS_PER_MINUTE = env_int("NEWSROOM_WORDS_PER_MINUTE", 180)

# Mail to staff (the desk's notifications): printed to the console on a developer's
# machine, sent by SMTP in production (DJANGO_EMAIL_BACKEND picks another backend).
_SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else _SMTP_BACKEND,
)
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": {
            "host": env_str("DJANGO_EMAIL_HOST", "localhost"),
            "port": env_int("DJANGO_EMAIL_PORT", 25),
            "username": env_str("DJANGO_EMAIL_HOST_USER", ""),
            "password": env_str("DJANGO_EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
            "timeout": env_int("DJANGO_EMAIL_TIMEOUT", 10),
        }
        if _EMAIL_BACKEND == _SMTP_BACKEND
        else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "desk@localhost")

# Photos: originals are kept outside MEDIA_ROOT, where no URL reaches them. Uploads are
# measured in bytes and pixels before they are decoded.
NEWSROOM_PRIVATE_MEDIA_ROOT = Path(
    env_str("NEWSROOM_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media"))
)
NEWSROOM_PHOTO_MAX_BYTES = env_int("NEWSROOM_PHOTO_MAX_BYTES", 25 * 1024 * 1024)
NEWSROOM_PHOTO_MAX_PIXELS = env_int("NEWSROOM_PHOTO_MAX_PIXELS", 40_000_000)
# How long a signed draft preview link works, in seconds.
NEWSROOM_PREVIEW_MAX_AGE = env_int("NEWSROOM_PREVIEW_MAX_AGE", 3 * 24 * 3600)

# One line format for every logger, to standard error: UTC time, level, logger, request id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "lib.requestid.RequestIdFilter"}},
    "formatters": {
        "line": {
            "class": "lib.requestid.UTCFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # Django gives its own loggers handlers and formats of their own; this drops them, so
    # their records reach the one handler above (errors are logged, not mailed).
    "loggers": {
        "django": {"handlers": [], "level": "NOTSET", "propagate": True},
        "django.server": {"handlers": [], "level": "NOTSET", "propagate": True},
    },
}
