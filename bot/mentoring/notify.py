"""Tell someone that a case opened, without ever delaying the reply to the person in crisis.

Deliveries run on a daemon thread with retries and backoff. With neither a webhook nor SMTP
configured, the notice is only logged. Notices carry ids and severity, never message text.
"""
from __future__ import annotations

import logging
import queue
import smtplib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

import httpx

from bot.config import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaseNotice:
    case_id: int
    severity: str
    language: str
    country: str | None
    kind: str = "case_opened"  # or case_raised

    def as_json(self) -> dict:
        return {"event": self.kind, "case_id": self.case_id, "severity": self.severity,
                "language": self.language, "country": self.country}


class Notifier:
    def __init__(self, settings: Settings, *, attempts: int = 5, backoff_s: float = 2.0,
                 on_result: Callable[[CaseNotice, str, bool], None] | None = None) -> None:
        self.settings = settings
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.on_result = on_result
        self._queue: queue.Queue[CaseNotice | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def channels(self) -> list[str]:
        channels = []
        if self.settings.notify_webhook_url:
            channels.append("webhook")
        if self.settings.smtp_host and self.settings.notify_email_to:
            channels.append("email")
        return channels

    def submit(self, notice: CaseNotice) -> None:
        if not self.channels():
            log.warning("case %s opened (%s); no notification channel configured", notice.case_id, notice.severity)
            return
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="case-notifier", daemon=True)
            self._thread.start()
        self._queue.put(notice)

    def drain(self, timeout_s: float = 30.0) -> None:
        """Wait until queued notices are delivered or given up (used by tests and shutdown)."""
        deadline = time.monotonic() + timeout_s
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.02)

    def _run(self) -> None:
        while True:
            notice = self._queue.get()
            try:
                if notice is None:
                    return
                for channel in self.channels():
                    ok = self._deliver_with_retries(channel, notice)
                    if self.on_result:
                        self.on_result(notice, channel, ok)
            finally:
                self._queue.task_done()

    def _deliver_with_retries(self, channel: str, notice: CaseNotice) -> bool:
        for attempt in range(1, self.attempts + 1):
            try:
                (self._post_webhook if channel == "webhook" else self._send_email)(notice)
                return True
            except Exception as error:  # any failure is retried; the chat never waits for it
                log.warning("notify %s for case %s failed (attempt %d): %s", channel, notice.case_id, attempt, error)
                time.sleep(self.backoff_s * attempt)
        log.error("gave up notifying %s for case %s", channel, notice.case_id)
        return False

    def _post_webhook(self, notice: CaseNotice) -> None:
        response = httpx.post(self.settings.notify_webhook_url, json=notice.as_json(), timeout=5.0)
        response.raise_for_status()

    def _send_email(self, notice: CaseNotice) -> None:
        message = EmailMessage()
        message["Subject"] = f"[{notice.severity}] new case #{notice.case_id} waiting"
        message["From"] = self.settings.smtp_from or "noreply@localhost"
        message["To"] = self.settings.notify_email_to
        message.set_content(
            f"A {notice.severity} case (#{notice.case_id}, language {notice.language}) "
            "is waiting in the mentor queue.\n"
            "Open the mentor dashboard to review it."
        )
        with smtplib.SMTP(self.settings.smtp_host, self.settings.smtp_port, timeout=10) as smtp:
            smtp.send_message(message)
