"""Invitations: a signed one-time link on which an invited mentor sets their own password."""
from __future__ import annotations

import hmac
import secrets

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.config import DashboardConfig
from bot.mentoring.accounts import create_account, set_password
from bot.mentoring.errors import InvalidInvitation
from bot.mentoring.signin import digest
from bot.storage.models import (
    Mentor,
    MentorInvitation,
    aware,
    utcnow,
)


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
    row = MentorInvitation(mentor_id=mentor.id, nonce_hash=digest(nonce), created_by=created_by,
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
    if row is None or not hmac.compare_digest(row.nonce_hash, digest(str(data.get("n", "")))):
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
