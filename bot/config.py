"""Settings read from the environment, with defaults that run everything locally on SQLite."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
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
