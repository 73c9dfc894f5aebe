"""Settings read from the environment, with defaults that run everything locally on SQLite."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SUPPORTED_LANGUAGES = ("en", "nl")


def _default_var_dir() -> Path:
    return Path(os.environ.get("WELLBEING_VAR_DIR", PROJECT_ROOT / "var"))


@dataclass(frozen=True)
class Settings:
    var_dir: Path = field(default_factory=_default_var_dir)
    database_url: str = ""
    rasa_url: str = "http://127.0.0.1:5005"
    # Several engines sharing one tracker store and lock store (RASA_URLS, comma-separated); the
    # first is rasa_url. Empty: rasa_url alone.
    rasa_urls: tuple[str, ...] = ()
    rasa_token: str = ""
    action_url: str = "http://127.0.0.1:5055"
    rasa_timeout_s: float = 20.0
    notify_webhook_url: str = ""
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = ""
    notify_email_to: str = ""
    # Rasa's tracker store: its own SQLite file by default, else the app's server (or its own URL).
    tracker_database_url: str = ""
    # Rate limits ("N/minute" etc., the `limits` notation) and where their counters live.
    chat_limit_per_id: str = "30/minute"
    chat_limit_per_address: str = "300/minute"
    case_limit_per_address: str = "10/hour"
    redis_url: str = ""
    # People not seen for this many days are erased by `python -m api.cli purge` (0: never).
    retention_days: int = 365

    @property
    def engine_urls(self) -> tuple[str, ...]:
        return self.rasa_urls or (self.rasa_url,)

    @property
    def rate_limit_storage(self) -> str:
        return self.redis_url or "memory://"

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return _with_driver(self.database_url)
        self.var_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.var_dir / 'app.sqlite3'}"

    @property
    def tracker_sqlalchemy_url(self) -> str:
        """Where the dialogue engine keeps its trackers (scripts/stack.py writes it into endpoints.yml)."""
        if self.tracker_database_url:
            return _with_driver(self.tracker_database_url)
        if self.database_url.startswith(("postgres://", "postgresql")):
            return _with_driver(self.database_url)  # one server, the tracker's table beside the app's
        self.var_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.var_dir / 'rasa_tracker.sqlite3'}"


def _with_driver(url: str) -> str:
    # SQLAlchemy 2 wants an explicit driver; operators usually paste the libpq form.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def actions_warm_marker(var_dir: Path) -> Path:
    """Written by the action server once its models are loaded: until then (a marker older than the
    server's pid file) a live action server is still warming up, and its first reflections would time out."""
    return var_dir / "run" / "actions.warm"


def engine_process_name(index: int) -> str:
    """The name scripts/stack.py gives the index-th dialogue engine (its log and pid file carry it)."""
    return "rasa" if index == 0 else f"rasa-{index + 1}"


def _urls(value: str) -> tuple[str, ...]:
    return tuple(url.strip().rstrip("/") for url in value.split(",") if url.strip())


def load_settings() -> Settings:
    env = os.environ
    engines = _urls(env.get("RASA_URLS", ""))
    return Settings(
        database_url=env.get("DATABASE_URL", ""),
        rasa_url=engines[0] if engines else env.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
        rasa_urls=engines,
        rasa_token=env.get("RASA_TOKEN", ""),
        action_url=env.get("ACTION_URL", "http://127.0.0.1:5055").rstrip("/"),
        rasa_timeout_s=float(env.get("RASA_TIMEOUT_S", "20")),
        notify_webhook_url=env.get("NOTIFY_WEBHOOK_URL", ""),
        smtp_host=env.get("SMTP_HOST", ""),
        smtp_port=int(env.get("SMTP_PORT", "25")),
        smtp_from=env.get("SMTP_FROM", ""),
        notify_email_to=env.get("NOTIFY_EMAIL_TO", ""),
        tracker_database_url=env.get("RASA_TRACKER_DATABASE_URL", ""),
        retention_days=int(env.get("RETENTION_DAYS", "365")),
        chat_limit_per_id=env.get("CHAT_LIMIT_PER_ID", "30/minute"),
        chat_limit_per_address=env.get("CHAT_LIMIT_PER_ADDRESS", "300/minute"),
        case_limit_per_address=env.get("CASE_LIMIT_PER_ADDRESS", "10/hour"),
        redis_url=env.get("REDIS_URL", ""),
    )


# The mentor dashboard's settings (api/dashboard); its secret key is kept in var/ unless given.
def _env_bool(value: str | None, default: str) -> str:
    value = (value or default).strip().lower()
    return {"1": "always", "true": "always", "yes": "always", "0": "never", "false": "never",
            "no": "never"}.get(value, value if value in ("auto", "always", "never") else default)


@dataclass(frozen=True)
class DashboardConfig:
    secret_key: str
    cookie_secure: str = "auto"  # auto: Secure when the request came over https | always | never
    session_idle: timedelta = timedelta(hours=8)
    session_max: timedelta = timedelta(hours=24)
    login_attempts_per_minute: int = 5  # per address and email
    address_attempts_per_minute: int = 30  # per address, whatever the email
    invitation_valid: timedelta = timedelta(days=7)
    default_caseload_cap: int = 3
    # The files the bot reads (bot/content); tests point this at a copy.
    directory_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "bot" / "content")
    backup_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "var" / "backups" / "directory")

    @classmethod
    def from_env(cls, var_dir: Path, env: dict[str, str] | None = None) -> DashboardConfig:
        env = dict(os.environ if env is None else env)
        return cls(
            secret_key=env.get("DASHBOARD_SECRET_KEY") or _stored_secret(var_dir),
            cookie_secure=_env_bool(env.get("DASHBOARD_COOKIE_SECURE"), "auto"),
            session_idle=timedelta(minutes=int(env.get("DASHBOARD_SESSION_IDLE_MINUTES", "480"))),
            session_max=timedelta(hours=int(env.get("DASHBOARD_SESSION_MAX_HOURS", "24"))),
            login_attempts_per_minute=int(env.get("DASHBOARD_LOGIN_ATTEMPTS_PER_MINUTE", "5")),
            default_caseload_cap=int(env.get("MENTOR_CASELOAD_CAP", "3")),
            backup_dir=Path(var_dir) / "backups" / "directory",
        )


def _stored_secret(var_dir: Path) -> str:
    """A key generated once per installation and kept in var/ (mode 600), so sessions survive a
    restart. Several replicas must share one: set DASHBOARD_SECRET_KEY."""
    path = Path(var_dir) / "dashboard_secret.key"
    if path.is_file():
        stored = path.read_text(encoding="utf-8").strip()
        if stored:
            return stored
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key
