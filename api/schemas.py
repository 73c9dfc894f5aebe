"""Request bodies of the public chat endpoint, validated strictly so bad input gets a clear 422."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

MAX_MESSAGE_CHARS = 2000
# The anonymous id is the only key to a person's conversation, so it must be unguessable: a random
# UUID4 (what browsers' crypto.randomUUID() and Rasa chat widgets send) or 32-64 hex characters
# (128-256 random bits, what POST /api/ids issues). Names, e-mails and counters get a 422.
SENDER_PATTERN = (r"^(?:[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-4[0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}"
                  r"|[0-9a-f]{32,64})$")


# A path segment that must be such an id: anything else is a 422 before any handler runs, and the
# OpenAPI schema says so.
SenderId = Annotated[str, Path(pattern=SENDER_PATTERN, description="the anonymous id the browser keeps")]


def _digits_only(value: Any) -> Any:
    """Only digits: pydantic reads "3" with a form feed or a space around it as 3; the schema does not."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError("a row id is written in digits only")
    return value


# A database row id in a path: digits only, and bounded, so a huge number is a 422, not an overflow in
# the database driver. Path() first: after a validator its bounds leave the OpenAPI schema.
RowId = Annotated[int, Path(ge=1, le=2_147_483_647), BeforeValidator(_digits_only)]
# At least one character that str.strip() keeps (it also strips \x1c-\x1f).
NOT_BLANK = r"[^\s\x1c-\x1f]"


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")  # message_en / message_nl for people, details for 422

    code: str
    message: str | None = None


class ErrorBody(BaseModel):
    """Every error the API returns (api/errors.py)."""

    error: ErrorDetail
    stored: bool | None = None


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """For a router's ``responses=``: these status codes answer with ErrorBody."""
    return {code: {"model": ErrorBody} for code in codes}


class ChatMetadata(BaseModel):
    # Only what the bot uses is accepted: anything else a widget sends would be stored unasked.
    model_config = ConfigDict(extra="forbid")

    language: Literal["en", "nl"] = "en"
    country: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")

    @field_validator("country")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sender: str = Field(pattern=SENDER_PATTERN, description="the anonymous id the browser keeps")
    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS, pattern=NOT_BLANK)
    metadata: ChatMetadata = Field(default_factory=ChatMetadata)

    @field_validator("message", mode="before")  # before the constraints, so the error says what is wrong
    @classmethod
    def _message_fits(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        value = value.strip()
        if not value:
            raise ValueError("message is empty")
        if len(value) > MAX_MESSAGE_CHARS:
            raise ValueError(f"message is longer than {MAX_MESSAGE_CHARS} characters")
        return value
