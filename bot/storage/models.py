"""Tables of the app database. Rasa keeps its own tracker store; these are ours."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything here is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Person(Base):
    """A pseudonymous visitor: the id is the random sender id their browser keeps."""

    __tablename__ = "persons"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    country: Mapped[str | None] = mapped_column(String(8), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set when a crisis was detected while the dialogue engine could not be told; the gateway
    # tells it before forwarding the next message, so the crisis flow is never skipped.
    dialogue_crisis_pending: Mapped[bool] = mapped_column(Boolean, default=False)

    messages: Mapped[list[Message]] = relationship(back_populates="person", cascade="all, delete-orphan")


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # user | bot | mentor | system
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)  # buttons, image, custom
    # received -> forwarded | engine_unavailable | handled_by_gateway
    status: Mapped[str] = mapped_column(String(24), default="received")
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    person: Mapped[Person] = relationship(back_populates="messages")


class Case(Base):
    """An escalation to a human. At most one open (or claimed) case per person at a time."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | claimed | closed
    language: Mapped[str] = mapped_column(String(8), default="en")
    country: Mapped[str | None] = mapped_column(String(8), nullable=True)
    consent_transcript: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    consent_contact: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    helplines_shown: Mapped[list[Any]] = mapped_column(default=list)
    claimed_by: Mapped[str | None] = mapped_column(String(255), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(64), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    triggers: Mapped[list[CaseTrigger]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseTrigger.id"
    )
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseEvent.id"
    )


class CaseTrigger(Base):
    """A message that raised a crisis signal; always visible to mentors, whatever the consent."""

    __tablename__ = "case_triggers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(16))
    signals: Mapped[list[Any]] = mapped_column(default=list)
    source: Mapped[str] = mapped_column(String(16), default="gateway")  # gateway | dialogue
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    case: Mapped[Case] = relationship(back_populates="triggers")


class CaseEvent(Base):
    """Append-only history of a case: opened, raised, claimed, note, consent, notified, closed."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    case: Mapped[Case] = relationship(back_populates="events")


class CheckinRecord(Base):
    """One four-dimension check-in: in progress (resumable after days), paused, or complete."""

    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Unguessable id for chart URLs shown in the chat, so a picture link reveals no person id.
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="in_progress", index=True)  # in_progress|paused|complete
    language: Mapped[str] = mapped_column(String(8), default="en")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)  # CheckIn.to_dict()
    position: Mapped[dict[str, Any]] = mapped_column(default=dict)  # where the conversation stands
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ExerciseSession(Base):
    """One run of an exercise: the machine's JSON state while it runs, what it produced when it ends."""

    __tablename__ = "exercise_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    exercise_id: Mapped[str] = mapped_column(String(64))
    # running | awaiting_feedback | done | stopped
    status: Mapped[str] = mapped_column(String(24), default="running", index=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    feedback: Mapped[int | None] = mapped_column(Integer, nullable=True)  # -1, 0, +1
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Lifeline(Base):
    """A person's lifeline: their high and low points and reflections; editable later."""

    __tablename__ = "lifelines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), unique=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    points: Mapped[list[Any]] = mapped_column(default=list)
    reflections: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# ------------------------------------------------------------------------------ mentor dashboard
# Accounts of the people who review escalated cases (bot/mentoring/), their sessions, the audit log,
# private debriefs, and who holds a conversation with a person (bot/mentoring/handover.py).


class Mentor(Base):
    """A dashboard account: role `admin` (manages mentors and settings) or `mentor`. Never deleted,
    only deactivated, so the audit log keeps meaning something."""

    __tablename__ = "mentors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(255), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16), default="mentor")  # admin | mentor
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)  # None until the invite is used
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)  # a code is used once
    # The mentor's own token for /mentor/api (sha256 of it; the token itself is shown once).
    api_token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True, index=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)  # wrong tries in a row, any address
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The dashboard's language for this account (en | nl); None follows the browser's Accept-Language.
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class MentorInvitation(Base):
    """A one-time link to set a password: a new mentor's invitation or a password reset."""

    __tablename__ = "mentor_invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentors.id", ondelete="CASCADE"), index=True)
    nonce_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class MentorSession(Base):
    """A signed-in browser. The cookie carries a signed random token; only its hash is stored."""

    __tablename__ = "mentor_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentors.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class LoginAttempt(Base):
    """Sign-in attempts, for rate limiting across processes. `key` is a hash of address and email."""

    __tablename__ = "mentor_login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    address_key: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class AuditEntry(Base):
    """Who did what, when: every view of a transcript and every action on a case or account.

    Append-only: the app has no route that changes it, and the migration adds database triggers
    that refuse UPDATE and DELETE. `case_id` is a plain number (no foreign key) so deleting a
    person's data never has to rewrite the log.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(48), index=True)
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)


class MentorDebrief(Base):
    """A mentor's private note to self after a heavy case. Admins see counts only, never content."""

    __tablename__ = "mentor_debriefs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentors.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="written")  # written | skipped
    feeling: Mapped[str | None] = mapped_column(String(32), nullable=True)
    wants_colleague: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Handover(Base):
    """A mentor holding a person's conversation: while `left_at` is empty the bot stays silent."""

    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("mentors.id", ondelete="SET NULL"), nullable=True)
    mentor: Mapped[str] = mapped_column(String(255))
    # The "a mentor joined" / "the mentor left" system messages bound what the mentor may read.
    joined_message_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    left_message_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    engine_paused: Mapped[bool] = mapped_column(Boolean, default=False)


class DashboardSetting(Base):
    """Settings admins change in the dashboard (e.g. the caseload cap), as JSON values."""

    __tablename__ = "dashboard_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_by: Mapped[str] = mapped_column(String(255), default="system")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# ------------------------------------------------------------------------------------ self-help groups

class Group(Base):
    """A self-help group opened by a facilitator (a `mentors` row with role facilitator or admin)."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("mentors.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(8), default="en")
    rhythm: Mapped[str] = mapped_column(String(120), default="")
    invite_code: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class GroupMembership(Base):
    """A pseudonymous person in a group under a nickname. `left_at` set: no longer a member."""

    __tablename__ = "group_memberships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    nickname: Mapped[str] = mapped_column(String(40))
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    left_how: Mapped[str | None] = mapped_column(String(16), nullable=True)  # left | removed
    # The member chose to show their latest check-in in the group map (until they withdraw it).
    shares_checkin: Mapped[bool] = mapped_column(Boolean, default=False)
    theme_seen_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class GroupTheme(Base):
    """What the group reflects on between meetings: a dimension, a question or an exercise."""

    __tablename__ = "group_themes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # dimension | question | exercise
    value: Mapped[str] = mapped_column(Text)
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GroupSharedItem(Base):
    """A reflection a member chose to share. Withdrawn items are deleted; anonymised ones lose the member."""

    __tablename__ = "group_shared_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_memberships.id", ondelete="SET NULL"), nullable=True, index=True)
    theme_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    text: Mapped[str] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    shared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GroupReflection(Base):
    """A member's own reflection on their group's theme: private to them until they share it, and
    still theirs after sharing (the shared copy can be taken back on its own)."""

    __tablename__ = "group_reflections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    shared_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_shared_items.id", ondelete="SET NULL"), nullable=True)


class GroupDialogue(Base):
    """Where a person is in the group conversation of the chat (joining, reflecting on the theme)."""

    __tablename__ = "group_dialogues"

    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)
    step: Mapped[str] = mapped_column(String(24))
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SafetyCheck(Base):
    """The direct safety question asked after an uncertain message (the detector's "ask" band).

    "yes" or "unsure" opens the full crisis response and a case; "no" returns to the conversation
    and the same kind of message is not asked about again for a while (bot/safety/check.py)."""

    __tablename__ = "safety_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    # The message that raised the question; the gateway forwards it to the engine after a "no".
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), nullable=True)
    source: Mapped[str] = mapped_column(String(16))          # gateway | dialogue
    kind: Mapped[str] = mapped_column(String(48))            # the signal the classifier named
    severity: Mapped[str] = mapped_column(String(16))        # what a "yes" opens the case with
    signals: Mapped[list[Any]] = mapped_column(default=list)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answer: Mapped[str | None] = mapped_column(String(16), nullable=True)   # yes | unsure | no | superseded
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
