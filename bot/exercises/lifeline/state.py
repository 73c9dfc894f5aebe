"""The lifeline conversation's state, and its JSON form.

The state travels between messages as JSON (``Step.state``, stored with the exercise session). Only
:meth:`State.from_json` and :meth:`State.to_json` know that shape; it is the one stored since
version 1, so conversations already under way keep working. Inside the conversation the state is
these dataclasses.

The lifeline's result (``Step.result``, kept in the ``lifelines`` table) holds points without their
``id``: :meth:`Point.public` gives that form and :meth:`Point.clean` reads it back when a person
edits an earlier lifeline.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

VERSION = 1
COLLECT, ASK, CHANGE, BIRTH_YEAR, REFLECT, FINISHED = "collect", "ask", "change", "birth_year", "reflect", "finished"
PUBLIC_FIELDS = ("age", "year", "label", "feeling", "said")
SAID = ("age", "year", "both")


@dataclass
class Point:
    """One high or low point. ``said`` is what the person gave: "age", "year" or "both"."""

    id: int
    age: int | None = None
    year: int | None = None
    label: str = ""
    feeling: int | None = None
    said: str | None = None

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Point:
        return cls(id=d.get("id"), age=d.get("age"), year=d.get("year"), label=d.get("label", ""),
                   feeling=d.get("feeling"), said=d.get("said"))

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, **self.public()}

    def public(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in PUBLIC_FIELDS}

    @classmethod
    def clean(cls, raw: Any, id: int) -> Point | None:
        """A point from a stored result, with out-of-range values dropped; None when nothing is left."""
        if not isinstance(raw, dict):
            return None
        p = cls(id=id, age=_int_or_none(raw.get("age"), 0, 120), year=_int_or_none(raw.get("year"), 1900, 2100),
                label=str(raw.get("label") or "").strip(), feeling=_int_or_none(raw.get("feeling"), -5, 5))
        if p.age is None and p.year is None and p.feeling is None and not p.label:
            return None
        said = raw.get("said")
        if said not in SAID:
            said = "age" if p.age is not None else "year" if p.year is not None else None
        p.said = said
        return p


def _int_or_none(v: Any, lo: int, hi: int) -> int | None:
    try:
        n = int(v)
    except (TypeError, ValueError):
        return None
    return n if lo <= n <= hi else None


@dataclass
class Ask:
    """The open question about a point: the fields still asked for, the first one now."""

    id: int
    fields: list[str]
    retried: bool = False

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Ask:
        return cls(id=d.get("id"), fields=list(d.get("fields") or []), retried=d.get("retried", False))

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "fields": list(self.fields), "retried": self.retried}


@dataclass
class State:
    version: int = VERSION
    phase: str = COLLECT
    points: list[Point] = field(default_factory=list)  # in time order
    next_id: int = 1
    last_id: int | None = None            # the point "no, it was …" corrects
    ask: Ask | None = None                 # in phase ASK
    change_id: int | None = None           # in phase CHANGE: the point being changed
    birth_year: int | None = None          # as said; see flow._birth_year for the inferred one
    birth_year_asked: bool = False
    nudged: bool = False                   # told once that a line wants a few more points
    reflect: int = 0                       # index of the reflection question
    reflections: dict[str, str] = field(default_factory=dict)
    turn: int = 0                          # rotates the prompts for the next point
    undo: list[Point] | None = None        # the points before the last change (one step)
    final_status: str | None = None        # in phase FINISHED: done or stopped

    @staticmethod
    def readable(d: Any) -> bool:
        """Whether *d* is a state this code can read (else the conversation begins again)."""
        return bool(d) and isinstance(d, dict) and d.get("version") == VERSION and "phase" in d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> State:
        undo = d.get("undo")
        return cls(
            version=d["version"], phase=d["phase"], points=[Point.from_json(p) for p in d.get("points") or []],
            next_id=d.get("next_id", 1), last_id=d.get("last_id"),
            ask=Ask.from_json(d["ask"]) if d.get("ask") else None, change_id=d.get("change_id"),
            birth_year=d.get("birth_year"), birth_year_asked=d.get("birth_year_asked", False),
            nudged=d.get("nudged", False), reflect=d.get("reflect", 0), reflections=dict(d.get("reflections") or {}),
            turn=d.get("turn", 0), undo=None if undo is None else [Point.from_json(p) for p in undo],
            final_status=d.get("final_status"))

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version, "phase": self.phase, "points": [p.to_json() for p in self.points],
            "next_id": self.next_id, "last_id": self.last_id, "ask": self.ask.to_json() if self.ask else None,
            "change_id": self.change_id, "birth_year": self.birth_year, "birth_year_asked": self.birth_year_asked,
            "nudged": self.nudged, "reflect": self.reflect, "reflections": dict(self.reflections), "turn": self.turn,
            "undo": None if self.undo is None else [p.to_json() for p in self.undo],
            "final_status": self.final_status}
