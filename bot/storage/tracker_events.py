"""The dialogue engine's own copy of a conversation: Rasa's SQL tracker store (table ``events``).

Rasa keeps every turn, texts included, in its tracker store. The gateway never writes there, but a
person's "delete everything" and the retention purge must reach it too, and the export must show it.
The table appears only once the engine has run; until then there is nothing to find.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import MetaData, Table, create_engine, delete, func, inspect, select
from sqlalchemy.engine import Engine

TABLE = "events"  # rasa.core.tracker_store.SQLTrackerStore.SQLEvent


class TrackerEvents:
    def __init__(self, url: str) -> None:
        self.url = url
        kwargs = {"connect_args": {"check_same_thread": False}} if url.startswith("sqlite") else {}
        self.engine: Engine = create_engine(url, pool_pre_ping=True, **kwargs)
        self._found: Table | None = None

    def _table(self) -> Table | None:
        """The table, reflected once it exists (until then every call looks again: Rasa may start later)."""
        if self._found is None and inspect(self.engine).has_table(TABLE):
            self._found = Table(TABLE, MetaData(), autoload_with=self.engine)
        return self._found

    def count(self, sender: str) -> int:
        table = self._table()
        if table is None:
            return 0
        with self.engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(table).where(table.c.sender_id == sender)) or 0

    def delete(self, sender: str) -> int:
        table = self._table()
        if table is None:
            return 0
        with self.engine.begin() as conn:
            return conn.execute(delete(table).where(table.c.sender_id == sender)).rowcount or 0

    def export(self, sender: str) -> list[dict[str, Any]]:
        """What was said and decided, in order; the engine's internal bookkeeping is left out."""
        table = self._table()
        if table is None:
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(select(table.c.type_name, table.c.timestamp, table.c.intent_name,
                                       table.c.action_name, table.c.data)
                                .where(table.c.sender_id == sender).order_by(table.c.id)).all()
        out = []
        for type_name, timestamp, intent, action, data in rows:
            item: dict[str, Any] = {"event": type_name,
                                    "at": datetime.fromtimestamp(timestamp).astimezone().isoformat()}
            text = (json.loads(data) if data else {}).get("text")
            if text:
                item["text"] = text
            if intent:
                item["intent"] = intent
            if action:
                item["action"] = action
            out.append(item)
        return out

    def purge_inactive(self, before: datetime) -> int:
        """Deletes the conversations whose last event is older than ``before``; returns how many."""
        table = self._table()
        if table is None:
            return 0
        stale = (select(table.c.sender_id).group_by(table.c.sender_id)
                 .having(func.max(table.c.timestamp) < before.timestamp()))
        with self.engine.begin() as conn:
            senders = [row[0] for row in conn.execute(stale)]
            for start in range(0, len(senders), 500):
                conn.execute(delete(table).where(table.c.sender_id.in_(senders[start:start + 500])))
        return len(senders)

    def dispose(self) -> None:
        self.engine.dispose()
