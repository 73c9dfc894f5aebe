"""A local spool for messages that arrive while the database cannot be reached.

A crisis must never depend on storage: the gateway answers from the detector and the content files,
and keeps what it could not store here, one JSON line per turn, flushed to disk before it answers.
When the database answers again the spool is written back, each file in one transaction, oldest
first, so nothing is lost and nothing is written twice (the file goes only after its commit).

Each gateway process writes its own file (``<pid>.jsonl``); any process may drain any file, under an
exclusive lock, so a replica that stopped leaves nothing behind for good.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class Spool:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _own_file(self) -> Path:
        return self.directory / f"{os.getpid()}.jsonl"

    def add(self, entry: dict[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        while True:
            with open(self._own_file(), "a", encoding="utf-8") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                if os.fstat(handle.fileno()).st_nlink == 0:
                    continue   # drained and removed while we waited for the lock: open it anew
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
                return

    def pending(self) -> int:
        if not self.directory.is_dir():
            return 0
        return sum(sum(1 for line in path.open(encoding="utf-8") if line.strip())
                   for path in self.directory.glob("*.jsonl"))

    def drain(self, write: Callable[[list[dict[str, Any]]], None]) -> int:
        """Hand each file's entries to *write* (which must store them all in one transaction or raise);
        a file is removed only after *write* returned. Returns how many entries were written."""
        if not self.directory.is_dir():
            return 0
        written = 0
        for path in sorted(self.directory.glob("*.jsonl"), key=lambda p: p.stat().st_mtime):
            with open(path, "r+", encoding="utf-8") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue   # its process is adding to it, or another is draining it
                entries = [json.loads(line) for line in handle if line.strip()]
                if entries:
                    write(entries)
                path.unlink()
                written += len(entries)
        if written:
            log.info("wrote %d spooled message(s) to the database", written)
        return written
