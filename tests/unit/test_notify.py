"""Case notifications: delivered in the background, retried on failure, never carrying message text."""
from __future__ import annotations

import json
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from bot.config import Settings
from bot.mentoring.notify import CaseNotice, Notifier


@pytest.fixture
def receiver():
    """A local webhook that fails the first `fail` requests, then records the bodies."""
    state = {"fail": 2, "bodies": [], "attempts": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            state["attempts"] += 1
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if state["fail"] > 0:
                state["fail"] -= 1
                self.send_response(500)
                self.end_headers()
                return
            state["bodies"].append(json.loads(body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield state
    server.shutdown()


def test_webhook_is_retried_until_it_succeeds(receiver):
    results = []
    notifier = Notifier(replace(Settings(), notify_webhook_url=receiver["url"]), backoff_s=0.01,
                        on_result=lambda notice, channel, ok: results.append((channel, ok)))
    notifier.submit(CaseNotice(case_id=7, severity="high", language="nl", country="BE"))
    notifier.drain(timeout_s=10)
    assert receiver["attempts"] == 3
    assert receiver["bodies"] == [{"event": "case_opened", "case_id": 7, "severity": "high",
                                   "language": "nl", "country": "BE"}]
    assert results == [("webhook", True)]


def test_gives_up_after_the_last_attempt_without_raising(receiver):
    receiver["fail"] = 99
    results = []
    notifier = Notifier(replace(Settings(), notify_webhook_url=receiver["url"]), attempts=2, backoff_s=0.01,
                        on_result=lambda notice, channel, ok: results.append(ok))
    notifier.submit(CaseNotice(case_id=1, severity="imminent", language="en", country=None))
    notifier.drain(timeout_s=10)
    assert receiver["attempts"] == 2 and results == [False]


def test_submit_returns_before_delivery(receiver):
    release = threading.Event()
    notifier = Notifier(replace(Settings(), notify_webhook_url=receiver["url"]), backoff_s=0.01)
    notifier._post_webhook = lambda notice: release.wait(5)  # a webhook that hangs
    notifier.submit(CaseNotice(case_id=2, severity="high", language="en", country=None))
    assert notifier._queue.unfinished_tasks == 1  # still pending: the caller did not wait for it
    release.set()
    notifier.drain(timeout_s=10)
    assert notifier._queue.unfinished_tasks == 0


def test_without_channels_it_only_logs(caplog):
    notifier = Notifier(Settings())
    notifier.submit(CaseNotice(case_id=3, severity="concern", language="en", country=None))
    assert notifier.channels() == []
    assert "no notification channel configured" in caplog.text
