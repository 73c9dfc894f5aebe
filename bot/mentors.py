"""The people behind the dashboard: mentor accounts, how they sign in, what they may do, and how the
dashboard looks after them.

- Accounts and roles: `admin` manages mentors and settings, `mentor` reviews cases. The first admin
  comes from the command line (`python -m api.cli create-admin`); admins invite the others with a
  signed one-time link on which the mentor sets their own password (argon2 hashes).
- Sessions: a random token, signed in the cookie, only its hash in the database; idle and absolute
  expiry; a CSRF token per session. Sign-in attempts are rate-limited per address and email.
- Optional TOTP second factor (RFC 6238, via pyotp), each code usable once.
- The audit log: append-only, who did what and when.
- Care: a caseload cap (a claim above it is refused, and the mentor is told why), private debriefs
  after heavy cases (admins see counts only), and each mentor's own recent load.

No web framework here: the dashboard routes in `api/dashboard/` are thin over this module.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot import content, escalation
from bot.config import PROJECT_ROOT, SUPPORTED_LANGUAGES
from bot.crisis import SEVERITIES, severity_rank
from bot.storage.models import (
    AuditEntry,
    Case,
    CaseEvent,
    DashboardSetting,
    Handover,
    LoginAttempt,
    Mentor,
    MentorDebrief,
    MentorInvitation,
    MentorSession,
    utcnow,
)

ROLES = ("admin", "mentor", "facilitator")
LOCK_AFTER_FAILURES = 10
LOCK_MINUTES = 15
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024
EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,}$")

# After closing a case of these severities the dashboard offers a short private debrief.
DEBRIEF_SEVERITIES = ("imminent", "high")
FEELINGS = ("steady", "tired", "shaken", "heavy", "numb", "rather_not_say")

_hasher = PasswordHasher()
# Verified against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, only here for timing")


# The words of these errors live in bot/content/<lang>/dashboard_ui.yml (`errors.<key>`).
ERRORS = "dashboard_ui.errors"


class AccountError(content.Explained, ValueError):
    """A request about an account that cannot be done as asked (bad email, weak password, ...)."""

    where = ERRORS


class InvalidInvitation(content.Explained, ValueError):
    """The link is unknown, used, expired or tampered with."""

    where = ERRORS


class CaseloadFull(content.Explained, RuntimeError):
    where = ERRORS

    def __init__(self, held: int, cap: int) -> None:
        self.held, self.cap = held, cap
        super().__init__("caseload_full_one" if held == 1 else "caseload_full", held=held, cap=cap)


# ------------------------------------------------------------------------------------ configuration

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


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything here is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _sha256(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------------------ accounts

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


# ------------------------------------------------------------------------------------ rate limiting

def _attempt_keys(config: DashboardConfig, address: str, email: str) -> tuple[str, str]:
    # Hashed with the secret: the table holds neither addresses nor emails.
    return (_sha256(config.secret_key, "pair", address or "", (email or "").strip().lower()),
            _sha256(config.secret_key, "address", address or ""))


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
    row = MentorSession(token_hash=_sha256(token), mentor_id=mentor.id, csrf_token=secrets.token_urlsafe(32))
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
    row = session.scalars(select(MentorSession).where(MentorSession.token_hash == _sha256(str(token)))).first()
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
    session.execute(update(MentorSession).where(MentorSession.token_hash == _sha256(str(token)),
                                                MentorSession.ended_at.is_(None)).values(ended_at=utcnow()))


def end_all_sessions(session: Session, mentor_id: int) -> None:
    session.execute(update(MentorSession).where(MentorSession.mentor_id == mentor_id,
                                                MentorSession.ended_at.is_(None)).values(ended_at=utcnow()))


def csrf_matches(expected: str | None, given: str | None) -> bool:
    return bool(expected and given) and hmac.compare_digest(str(expected).encode(), str(given).encode())


# ------------------------------------------------------------------------------------ invitations

def _invite_serializer(config: DashboardConfig) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(config.secret_key, salt="dashboard-invitation")


def invite(
    session: Session, config: DashboardConfig, *, email: str, display_name: str, role: str, invited_by: str,
) -> tuple[Mentor, str]:
    """A new account without a password, and the token for its one-time link."""
    mentor = create_account(session, email=email, display_name=display_name, role=role)
    return mentor, invitation_link_token(session, config, mentor, invited_by)


def invitation_link_token(session: Session, config: DashboardConfig, mentor: Mentor, created_by: str) -> str:
    """A one-time token to set the password (an invitation, or a reset asked by an admin).
    Earlier unused links of the same account stop working."""
    now = utcnow()
    session.execute(update(MentorInvitation).where(MentorInvitation.mentor_id == mentor.id,
                                                   MentorInvitation.used_at.is_(None)).values(used_at=now))
    nonce = secrets.token_urlsafe(24)
    row = MentorInvitation(mentor_id=mentor.id, nonce_hash=_sha256(nonce), created_by=created_by,
                           expires_at=now + config.invitation_valid)
    session.add(row)
    session.flush()
    return _invite_serializer(config).dumps({"i": row.id, "n": nonce})


def read_invitation(session: Session, config: DashboardConfig, token: str) -> tuple[MentorInvitation, Mentor]:
    try:
        data = _invite_serializer(config).loads(token, max_age=int(config.invitation_valid.total_seconds()))
    except SignatureExpired:
        raise InvalidInvitation("invitation_expired") from None
    except BadSignature:
        raise InvalidInvitation("invitation_invalid") from None
    row = session.get(MentorInvitation, data.get("i")) if isinstance(data, dict) else None
    if row is None or not hmac.compare_digest(row.nonce_hash, _sha256(str(data.get("n", "")))):
        raise InvalidInvitation("invitation_invalid")
    if row.used_at is not None:
        raise InvalidInvitation("invitation_used")
    if utcnow() > aware(row.expires_at):
        raise InvalidInvitation("invitation_expired")
    mentor = session.get(Mentor, row.mentor_id)
    if mentor is None or not mentor.active:
        raise InvalidInvitation("invitation_inactive")
    return row, mentor


def accept_invitation(session: Session, config: DashboardConfig, token: str, password: str) -> Mentor:
    row, mentor = read_invitation(session, config, token)
    set_password(session, mentor, password)
    row.used_at = utcnow()
    return mentor


# ------------------------------------------------------------------------------------ TOTP

def new_totp_secret() -> str:
    import pyotp

    return pyotp.random_base32()


def totp_uri(mentor: Mentor, secret: str, issuer: str = "Compass mentor dashboard") -> str:
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(name=mentor.email, issuer_name=issuer)


def _totp_step(secret: str, code: str, at: datetime | None = None) -> int | None:
    """The time step a code belongs to (this one or its neighbours), or None when it is wrong."""
    import pyotp

    code = re.sub(r"\s+", "", code or "")
    if not re.fullmatch(r"\d{6}", code) or not secret:
        return None
    totp = pyotp.TOTP(secret)
    moment = at or datetime.now(UTC)
    for offset in (0, -1, 1):
        shifted = moment + timedelta(seconds=offset * totp.interval)
        if hmac.compare_digest(totp.at(shifted), code):
            return totp.timecode(shifted)
    return None


def verify_totp(mentor: Mentor, code: str, secret: str | None = None, at: datetime | None = None) -> bool:
    step = _totp_step(secret or mentor.totp_secret or "", code, at)
    if step is None or (mentor.totp_last_step is not None and step <= mentor.totp_last_step):
        return False
    mentor.totp_last_step = step
    return True


def enable_totp(mentor: Mentor, secret: str, code: str) -> bool:
    if not verify_totp(mentor, code, secret=secret):
        return False
    mentor.totp_secret, mentor.totp_enabled = secret, True
    return True


def disable_totp(mentor: Mentor) -> None:
    mentor.totp_secret, mentor.totp_enabled, mentor.totp_last_step = None, False, None


# ------------------------------------------------------------------------------------ audit log

def audit(
    session: Session, actor: Mentor | str | None, action: str, *, case_id: int | None = None,
    detail: dict[str, Any] | None = None, address: str | None = None,
) -> AuditEntry:
    if isinstance(actor, Mentor):
        actor_id, actor_name = actor.id, actor.email
    else:
        actor_id, actor_name = None, actor or "anonymous"
    entry = AuditEntry(actor_id=actor_id, actor=actor_name, action=action, case_id=case_id,
                       detail=detail or {}, address=(address or None) and address[:64])
    session.add(entry)
    session.flush()
    return entry


def audit_entries(
    session: Session, *, case_id: int | None = None, actor: str | None = None, action: str | None = None,
    limit: int = 100, before_id: int | None = None,
) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if case_id is not None:
        query = query.where(AuditEntry.case_id == case_id)
    if actor:
        query = query.where(AuditEntry.actor == actor.strip().lower())
    if action:
        query = query.where(AuditEntry.action == action)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(session.scalars(query))


# ------------------------------------------------------------------------------------ settings

def get_setting(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(DashboardSetting, key)
    return row.value.get("value", default) if row is not None else default


def set_setting(session: Session, key: str, value: Any, actor: str) -> None:
    row = session.get(DashboardSetting, key)
    if row is None:
        session.add(DashboardSetting(key=key, value={"value": value}, updated_by=actor))
    else:
        row.value, row.updated_by, row.updated_at = {"value": value}, actor, utcnow()
    session.flush()


def caseload_cap(session: Session, config: DashboardConfig) -> int:
    value = get_setting(session, "caseload_cap", config.default_caseload_cap)
    return int(value) if isinstance(value, int) and value > 0 else config.default_caseload_cap


def set_caseload_cap(session: Session, cap: int, actor: str) -> None:
    if not isinstance(cap, int) or not 1 <= cap <= 50:
        raise AccountError("caseload_cap_range")
    set_setting(session, "caseload_cap", cap, actor)


# ------------------------------------------------------------------------------------ caseload

def held_cases(session: Session, mentor: Mentor) -> list[Case]:
    return list(session.scalars(
        select(Case).where(Case.status == "claimed", Case.claimed_by == mentor.email).order_by(Case.id)))


def claim_case(session: Session, case_id: int, mentor: Mentor, cap: int) -> Case:
    """One mentor at a time, never above the cap. The update is conditional, so two mentors
    pressing "claim" at the same moment cannot both get the case."""
    case = escalation.get_case(session, case_id)
    if case.status == "closed":
        raise escalation.CaseConflict("case_already_closed")
    if case.status == "claimed" and case.claimed_by == mentor.email:
        return case
    if case.status == "claimed":
        raise escalation.CaseConflict("someone_else_holds")
    held = len(held_cases(session, mentor))
    if held >= cap:
        raise CaseloadFull(held, cap)
    now = utcnow()
    result = session.execute(
        update(Case).where(Case.id == case_id, Case.status == "open")
        .values(status="claimed", claimed_by=mentor.email, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise escalation.CaseConflict("claimed_a_moment_ago")
    session.refresh(case)
    escalation.log_event(session, case, mentor.email, "claimed", {})
    return case


def may_act_on(case: Case, mentor: Mentor) -> bool:
    """Notes, messages and closing belong to whoever holds the case; an unclaimed case takes notes
    from anyone."""
    return case.status == "claimed" and case.claimed_by == mentor.email


# ------------------------------------------------------------------------------------ debriefs

def needs_debrief(case: Case) -> bool:
    return case.status == "closed" and case.severity in DEBRIEF_SEVERITIES


def save_debrief(
    session: Session, mentor: Mentor, case: Case, *, feeling: str | None, wants_colleague: bool, note: str,
    skipped: bool = False,
) -> MentorDebrief:
    if feeling is not None and feeling not in FEELINGS:
        raise AccountError("feeling_unknown")
    note = (note or "").strip()
    if len(note) > 5000:
        raise AccountError("debrief_long")
    row = MentorDebrief(
        mentor_id=mentor.id, case_id=case.id, severity=case.severity,
        status="skipped" if skipped else "written",
        feeling=None if skipped else feeling, wants_colleague=False if skipped else bool(wants_colleague),
        note=None if skipped else (note or None),
    )
    session.add(row)
    session.flush()
    return row


def has_debrief(session: Session, mentor: Mentor, case_id: int) -> bool:
    return session.scalar(select(func.count()).select_from(MentorDebrief).where(
        MentorDebrief.mentor_id == mentor.id, MentorDebrief.case_id == case_id)) > 0


def own_debriefs(session: Session, mentor: Mentor, limit: int = 20) -> list[MentorDebrief]:
    return list(session.scalars(select(MentorDebrief).where(
        MentorDebrief.mentor_id == mentor.id, MentorDebrief.status == "written",
    ).order_by(MentorDebrief.id.desc()).limit(limit)))


def debrief_counts(session: Session, days: int = 30) -> dict[str, Any]:
    """What admins see: numbers only. No feelings, notes, or who asked for a colleague."""
    since = utcnow() - timedelta(days=days)
    rows = session.execute(select(MentorDebrief.status, MentorDebrief.wants_colleague).where(
        MentorDebrief.created_at >= since)).all()
    offered = len(rows)
    return {
        "days": days,
        "offered": offered,
        "written": sum(1 for status, _ in rows if status == "written"),
        "skipped": sum(1 for status, _ in rows if status == "skipped"),
        "asked_for_colleague": sum(1 for _, wants in rows if wants),
    }


# ------------------------------------------------------------------------------------ load

def load_summary(session: Session, mentor: Mentor, now: datetime | None = None) -> dict[str, Any]:
    """A mentor's own recent load: cases held now; cases claimed and closed in the last 7 and 30
    days by severity; messages written and time spent in conversations."""
    now = now or utcnow()
    since = now - timedelta(days=30)
    events = session.execute(
        select(CaseEvent.kind, CaseEvent.created_at, Case.id, Case.severity)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.actor == mentor.email, CaseEvent.created_at >= since,
               CaseEvent.kind.in_(("claimed", "closed", "mentor_message")))
    ).all()
    windows: dict[str, dict[str, Any]] = {}
    for days in (7, 30):
        start = now - timedelta(days=days)
        recent = [e for e in events if aware(e.created_at) >= start]
        handled = {e.id: e.severity for e in recent if e.kind in ("claimed", "closed")}
        by_severity = Counter(handled.values())
        windows[str(days)] = {
            "cases": len(handled),
            "closed": len({e.id for e in recent if e.kind == "closed"}),
            "messages": sum(1 for e in recent if e.kind == "mentor_message"),
            "by_severity": {s: by_severity.get(s, 0) for s in sorted(SEVERITIES, key=severity_rank, reverse=True)},
            "heavy": sum(by_severity.get(s, 0) for s in DEBRIEF_SEVERITIES),
            "minutes_in_conversation": _minutes_in_conversation(session, mentor, start, now),
        }
    week = windows["7"]
    return {
        "held_now": len(held_cases(session, mentor)),
        "windows": windows,
        # A gentle flag, not a verdict: several heavy cases in one week is a reason to pause.
        "consider_a_pause": week["heavy"] >= 3 or week["cases"] >= 10,
    }


def _minutes_in_conversation(session: Session, mentor: Mentor, start: datetime, now: datetime) -> int:
    rows = session.execute(select(Handover.joined_at, Handover.left_at).where(
        Handover.mentor == mentor.email, (Handover.left_at.is_(None)) | (Handover.left_at >= start))).all()
    total = timedelta()
    for joined, left in rows:
        begin = max(aware(joined), start)
        end = aware(left) if left is not None else now
        if end > begin:
            total += end - begin
    return int(total.total_seconds() // 60)
