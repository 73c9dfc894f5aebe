"""One model loaded once, on first use, under a lock: the sentence encoders and the crisis classifier.

A model that cannot be loaded is logged once and stays None, so callers fall back to their rules.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class LazyModel:
    """One model, loaded once under a lock on first use; None (logged once) if it cannot load."""

    def __init__(self, what: str, factory: Callable[[], Any]) -> None:
        self.what, self.factory = what, factory
        self.lock = threading.Lock()
        self.model: Any = None
        self.failed = False

    def get(self, wait: bool = True) -> Any | None:
        """The model; with `wait` false, None at once while another thread is loading it."""
        if self.model is not None or self.failed:
            return self.model
        if not self.lock.acquire(blocking=wait):
            return None
        try:
            if self.model is None and not self.failed:
                try:
                    self.model = self.factory()
                except Exception as error:  # noqa: BLE001 - callers fall back to their rules
                    self.failed = True
                    log.warning("%s unavailable (%s: %s)", self.what, type(error).__name__, error)
        finally:
            self.lock.release()
        return self.model
