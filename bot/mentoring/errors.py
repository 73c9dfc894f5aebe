"""Why a dashboard request about accounts, invitations or cases cannot be done as asked; the words
live in bot/content/<lang>/dashboard_ui.yml (`errors.<key>`)."""
from __future__ import annotations

from bot import content

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
