"""Logs never hold an anonymous id or a one-time token in clear (issue 13): a log line must not be a
key to someone's conversation."""
from __future__ import annotations

import logging
import uuid

from anon_ids import sid

from api.log_redaction import RedactSecrets, redact
from bot.pseudonyms import pseudonym


def test_ids_and_tokens_in_paths_become_pseudonyms_that_still_correlate():
    me, browser = sid("log-me"), str(uuid.uuid4())
    assert me not in redact(f"/api/me/{me}/export") and pseudonym(me) in redact(f"/api/me/{me}/export")
    assert redact(f"/api/me/{me}/checkins") .startswith(f"/api/me/{pseudonym(me)}/")
    assert browser not in redact(f"/api/conversations/{browser}/messages")
    assert "Xy7_" not in redact("/dashboard/invite/Xy7_k2LmNpQrStUvWxYz0123")
    assert redact("/dashboard/login?token=abc&lang=nl") == "/dashboard/login?token=<redacted>&lang=nl"
    assert redact("/static/chat.js?lang=en") == "/static/chat.js?lang=en"  # ordinary paths unchanged
    assert redact("/dashboard/cases/12") == "/dashboard/cases/12"


def test_the_access_log_line_is_redacted_before_it_is_written(caplog):
    me = sid("log-line")
    logger = logging.getLogger("uvicorn.access.test")
    logger.addFilter(RedactSecrets())
    with caplog.at_level(logging.INFO, logger="uvicorn.access.test"):
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", f"/api/me/{me}/export", "1.1", 200)
    assert me not in caplog.text and pseudonym(me) in caplog.text


def test_the_app_installs_the_filter_on_uvicorns_access_logger(client):
    assert any(isinstance(f, RedactSecrets) for f in logging.getLogger("uvicorn.access").filters)
