"""How a mentor signs in and stays signed in: attempts rate-limited per address and email, a random
session token signed in the cookie with only its digest in the database, idle and absolute expiry,
a CSRF token per session."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.config import DashboardConfig
from bot.storage.models import (
    LoginAttempt,
    Mentor,
    MentorSession,
    aware,
    utcnow,
)


def digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _attempt_keys(config: DashboardConfig, address: str, email: str) -> tuple[str, str]:
    # Hashed with the secret: the table holds neither addresses nor emails.
    return (digest(config.secret_key, "pair", address or "", (email or "").strip().lower()),
            digest(config.secret_key, "address", address or ""))


def login_blocked(session: Session, config: DashboardConfig, address: str, email: str) -> bool:
    key, address_key = _attempt_keys(config, address, email)
    since = utcnow() - timedelta(minutes=1)
    failed = LoginAttempt.succeeded.is_(False)
    per_pair = session.scalar(
        select(func.count()).select_from(LoginAttempt).where(LoginAttempt.key == key, failed,
                                                               LoginAttempt.created_at >= since))
    if per_pair >= config.login_attempts_per_minute:
        return True
    per_address = session.scalar(
        select(func.count()).select_from(LoginAttempt).where(LoginAttempt.address_key == address_key, failed,
                                                               LoginAttempt.created_at >= since))
    return per_address >= config.address_attempts_per_minute


def record_login_attempt(session: Session, config: DashboardConfig, address: str, email: str, succeeded: bool) -> None:
    key, address_key = _attempt_keys(config, address, email)
    session.add(LoginAttempt(key=key, address_key=address_key, succeeded=succeeded))
    session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < utcnow() - timedelta(days=1)))
    session.flush()


# ------------------------------------------------------------------------------------ sessions

class SessionExpired(LookupError):
    pass


def _session_serializer(config: DashboardConfig) -> URLSafeSerializer:
    return URLSafeSerializer(config.secret_key, salt="dashboard-session")


def start_session(session: Session, config: DashboardConfig, mentor: Mentor) -> tuple[str, MentorSession]:
    """A new session (never reuse one across a sign-in): returns the signed cookie value."""
    token = secrets.token_urlsafe(32)
    row = MentorSession(token_hash=digest(token), mentor_id=mentor.id, csrf_token=secrets.token_urlsafe(32))
    session.add(row)
    session.flush()
    return _session_serializer(config).dumps(token), row


def resolve_session(
    session: Session, config: DashboardConfig, cookie: str | None, *, touch: bool = True
) -> tuple[MentorSession, Mentor] | None:
    """The session and account behind a cookie; None when there is none; SessionExpired when it ran out.

    `touch=False` for background polling, so an open tab does not keep a session alive forever.
    """
    if not cookie:
        return None
    try:
        token = _session_serializer(config).loads(cookie)
    except BadSignature:
        return None
    row = session.scalars(select(MentorSession).where(MentorSession.token_hash == digest(str(token)))).first()
    if row is None or row.ended_at is not None:
        return None
    now = utcnow()
    if now - aware(row.last_seen_at) > config.session_idle or now - aware(row.created_at) > config.session_max:
        row.ended_at = now
        raise SessionExpired()
    mentor = session.get(Mentor, row.mentor_id)
    if mentor is None or not mentor.active:
        row.ended_at = now
        return None
    # Written at most once a minute: polling pages do not turn every request into a write.
    if touch and now - aware(row.last_seen_at) > timedelta(minutes=1):
        row.last_seen_at = now
    return row, mentor


def end_session(session: Session, config: DashboardConfig, cookie: str | None) -> None:
    if not cookie:
        return
    try:
        token = _session_serializer(config).loads(cookie)
    except BadSignature:
        return
    session.execute(update(MentorSession).where(MentorSession.token_hash == digest(str(token)),
                                                MentorSession.ended_at.is_(None)).values(ended_at=utcnow()))


def end_all_sessions(session: Session, mentor_id: int) -> None:
    session.execute(update(MentorSession).where(MentorSession.mentor_id == mentor_id,
                                                MentorSession.ended_at.is_(None)).values(ended_at=utcnow()))


def csrf_matches(expected: str | None, given: str | None) -> bool:
    return bool(expected and given) and hmac.compare_digest(str(expected).encode(), str(given).encode())
