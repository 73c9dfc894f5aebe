"""Access logs without ids or tokens: the anonymous id sits in paths such as /api/me/{id}/export and
one-time tokens in /dashboard/invite/{token}; a log line must not be a key to anyone's conversation."""
from __future__ import annotations

import logging
import re

from bot.pseudonyms import pseudonym

# A path segment that is an id of ours (hex or UUID) or any long random-looking token.
_SECRET_SEGMENT = re.compile(r"(?<=/)(?:[0-9A-Fa-f-]{32,64}|[A-Za-z0-9_-]{20,})(?=[/?#]|$)")
_SECRET_QUERY = re.compile(r"(?<=[?&])(token|code|sender|id)=[^&\s]+")


def redact(path: str) -> str:
    path = _SECRET_SEGMENT.sub(lambda match: pseudonym(match.group(0)), path)
    return _SECRET_QUERY.sub(lambda match: f"{match.group(1)}=<redacted>", path)


class RedactSecrets(logging.Filter):
    """For uvicorn's access logger, whose args are (client, method, path, http_version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3 and isinstance(record.args[2], str):
            args = list(record.args)
            args[2] = redact(args[2])
            record.args = tuple(args)
        return True


def install() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactSecrets) for f in access.filters):
        access.addFilter(RedactSecrets())
