"""Mentor accounts and roles: `admin` manages mentors and settings, `mentor` reviews cases,
`facilitator` runs groups. The first admin comes from the command line (`python -m api.cli
create-admin`); admins invite the others (bot.mentoring.invitations). Passwords are argon2 hashes."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import SUPPORTED_LANGUAGES
from bot.mentoring.errors import AccountError
from bot.mentoring.signin import end_all_sessions
from bot.mentoring.totp import disable_totp, verify_totp
from bot.storage.models import (
    Mentor,
    aware,
    utcnow,
)

ROLES = ("admin", "mentor", "facilitator")
LOCK_AFTER_FAILURES = 10
LOCK_MINUTES = 15
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024
EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,}$")

_hasher = PasswordHasher()
# Verified against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, only here for timing")


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not EMAIL_PATTERN.match(email) or len(email) > 255:
        raise AccountError("email_invalid")
    return email


def check_password(password: str, email: str = "") -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_CHARS:
        raise AccountError("password_short", min=MIN_PASSWORD_CHARS)
    if len(password) > MAX_PASSWORD_CHARS:
        raise AccountError("password_long", max=MAX_PASSWORD_CHARS)
    if email and password.strip().lower() == email.strip().lower():
        raise AccountError("password_is_email")
    if len(set(password)) < 5:
        raise AccountError("password_guessable")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def find_mentor(session: Session, email: str) -> Mentor | None:
    try:
        email = normalise_email(email)
    except AccountError:
        return None
    return session.scalars(select(Mentor).where(Mentor.email == email)).first()


def create_account(
    session: Session, *, email: str, display_name: str, role: str = "mentor", password: str | None = None,
) -> Mentor:
    email = normalise_email(email)
    display_name = (display_name or "").strip() or email.split("@")[0]
    if len(display_name) > 120:
        raise AccountError("name_long")
    if role not in ROLES:
        raise AccountError("role_unknown", roles=", ".join(ROLES))
    if session.scalars(select(Mentor).where(Mentor.email == email)).first() is not None:
        raise AccountError("account_exists", email=email)
    mentor = Mentor(email=email, display_name=display_name, role=role, active=True)
    if password is not None:
        check_password(password, email)
        mentor.password_hash = hash_password(password)
    session.add(mentor)
    session.flush()
    return mentor


def set_password(session: Session, mentor: Mentor, password: str) -> None:
    check_password(password, mentor.email)
    mentor.password_hash = hash_password(password)
    end_all_sessions(session, mentor.id)


def authenticate(session: Session, email: str, password: str, totp_code: str = "") -> Mentor | None:
    """The account when email, password (and the code, if the account uses one) are right. After
    LOCK_AFTER_FAILURES wrong tries in a row, from any address, the account waits LOCK_MINUTES, even for
    the right password (the per-minute limits alone let a slow, spread-out guesser go on for ever)."""
    mentor = find_mentor(session, email)
    now = utcnow()
    if mentor is not None and mentor.locked_until is not None and aware(mentor.locked_until) > now:
        return None
    if not verify_password(mentor.password_hash if mentor else None, password or ""):
        _count_failure(mentor, now)
        return None
    if mentor is None or not mentor.active:
        return None
    if mentor.totp_enabled and not verify_totp(mentor, totp_code):
        _count_failure(mentor, now)
        return None
    mentor.failed_logins, mentor.locked_until = 0, None
    if _hasher.check_needs_rehash(mentor.password_hash):
        mentor.password_hash = hash_password(password)
    mentor.last_login_at = utcnow()
    return mentor


def _count_failure(mentor: Mentor | None, now: datetime) -> None:
    if mentor is None:
        return
    mentor.failed_logins = (mentor.failed_logins or 0) + 1
    if mentor.failed_logins >= LOCK_AFTER_FAILURES:
        mentor.failed_logins, mentor.locked_until = 0, now + timedelta(minutes=LOCK_MINUTES)


def role_rank(role: str) -> int:
    """What a role may see: a facilitator no crisis conversation, a mentor cases, an admin everything."""
    return {"facilitator": 0, "mentor": 1, "admin": 2}.get(role, -1)


def require_new_password(session: Session, mentor: Mentor) -> None:
    """The password, a second factor and an API token that someone else may have set stop working, and
    every session ends; the person starts again from a one-time link."""
    mentor.password_hash = None
    mentor.api_token_hash = None
    disable_totp(mentor)
    end_all_sessions(session, mentor.id)


def issue_api_token(session: Session, mentor: Mentor) -> str:
    """A new token for /mentor/api (any earlier one stops working). Only its hash is kept: a random
    256-bit token needs no slow hash, and the database never holds something that opens the API."""
    token = "mt_" + secrets.token_urlsafe(32)
    mentor.api_token_hash = hashlib.sha256(token.encode()).hexdigest()
    session.flush()
    return token


def mentor_for_api_token(session: Session, token: str) -> Mentor | None:
    if not token:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    mentor = session.scalars(select(Mentor).where(Mentor.api_token_hash == digest)).first()
    return mentor if mentor is not None and mentor.active else None


def set_active(session: Session, mentor: Mentor, active: bool) -> None:
    mentor.active = active
    if not active:
        end_all_sessions(session, mentor.id)


def set_language(mentor: Mentor, language: str | None) -> None:
    """The dashboard's language for this account; None (or "") follows the browser."""
    if language and language not in SUPPORTED_LANGUAGES:
        raise AccountError("language_unknown")
    mentor.language = language or None


def list_mentors(session: Session) -> list[Mentor]:
    return list(session.scalars(select(Mentor).order_by(Mentor.active.desc(), Mentor.display_name)))


def display_names(session: Session) -> dict[str, str]:
    """email -> display name, for showing who holds a case or wrote a note."""
    return {email: name for email, name in session.execute(select(Mentor.email, Mentor.display_name))}
