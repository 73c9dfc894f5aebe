"""The optional second factor: TOTP (RFC 6238, via pyotp), each code usable once."""
from __future__ import annotations

import hmac
import re
from datetime import UTC, datetime, timedelta

from bot.storage.models import (
    Mentor,
)


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
