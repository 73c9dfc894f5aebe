"""Request bodies of the public chat endpoint, validated strictly so bad input gets a clear 422."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_MESSAGE_CHARS = 2000
SENDER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$"


class ChatMetadata(BaseModel):
    model_config = ConfigDict(extra="allow")

    language: Literal["en", "nl"] = "en"
    country: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")

    @field_validator("country")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value


class ChatRequest(BaseModel):
    sender: str = Field(pattern=SENDER_PATTERN, description="the anonymous id the browser keeps")
    message: str
    metadata: ChatMetadata = Field(default_factory=ChatMetadata)

    @field_validator("message")
    @classmethod
    def _message_fits(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("message is empty")
        if len(value) > MAX_MESSAGE_CHARS:
            raise ValueError(f"message is longer than {MAX_MESSAGE_CHARS} characters")
        return value
