"""Help lines and recovery centres: operator-edited data, loaded and checked here.

The data lives in `bot/content/helplines.yml` and `bot/content/recovery_centres.yml`. Loading
validates every entry and names the entry in the error, so a typo in the file fails at start-up
instead of in front of someone in crisis. `helplines_for` decides which lines a person sees and
in which order; `unverified_entries` is the operator's check before deployment.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.config import SUPPORTED_LANGUAGES
from bot.content import Explained, shared, text
from bot.text import one_line

COUNTRIES = ("BE", "NL")
KINDS = ("suicide", "listening", "emergency", "youth", "domestic_violence")
# What a place in recovery_centres.yml is (that file's header says what each means).
PLACE_KINDS = ("recovery", "welfare", "peer", "family", "bereaved")
# Shown after a crisis signal, beside the help lines: first help and recovery close to home.
CRISIS_PLACE_KINDS = ("recovery", "welfare")
# Entries checked longer ago than this are reported again by `unverified_entries`.
MAX_VERIFICATION_AGE_DAYS = 365

_ABUSE_MARKERS = ("abuse", "violence", "domestic", "geweld", "misbruik")
_YOUTH_MARKERS = ("youth", "minor", "jongere")


class DirectoryError(Explained, ValueError):
    """The help-line or recovery-centre data is malformed. Its words live in
    bot/content/<lang>/directory_errors.yml: the dashboard shows them in the operator's language,
    str() is the English text for logs and the command line. *entry* is (file, number, id or None):
    the entry the problem is in, named as `{where}` in the reader's language."""

    where = "directory_errors"

    def __init__(self, key: str, /, *, entry: tuple[str, int, str | None] | None = None, **fill: Any) -> None:
        self.entry = entry
        super().__init__(key, **fill)

    def fill_in(self, lang: str) -> dict[str, Any]:
        if self.entry is None:
            return self.fill
        source, number, ident = self.entry
        where = text(lang, f"{self.where}.entry_with_id" if ident else f"{self.where}.entry",
                     source=source, number=number, ident=repr(ident))
        return {**self.fill, "where": where}


@dataclass(frozen=True)
class Helpline:
    id: str
    names: Mapping[str, str]
    country: str
    languages: tuple[str, ...]
    kinds: tuple[str, ...]
    phone: str
    alt_phone: str | None
    chat_url: str | None
    web: str | None
    hours: Mapping[str, str] | None
    description: Mapping[str, str]
    last_verified: date | None

    def name(self, lang: str) -> str:
        return _pick(self.names, lang)

    def name_and_phone(self, lang: str) -> str:
        """"Tele-Onthaal 106", but "Zelfmoordlijn 1813" once: many names already hold their number."""
        name = self.name(lang)
        return name if self.phone in name else f"{name} {self.phone}"

    def hours_in(self, lang: str) -> str | None:
        return _pick(self.hours, lang) if self.hours else None

    def description_in(self, lang: str) -> str:
        return _pick(self.description, lang)


@dataclass(frozen=True)
class RecoveryCentre:
    id: str
    names: Mapping[str, str]
    country: str
    region: str
    city: str | None
    phone: str | None
    web: str | None
    hours: Mapping[str, str] | None
    offers: Mapping[str, str]
    languages: tuple[str, ...]
    last_verified: date | None
    kind: str = "recovery"       # one of PLACE_KINDS
    source: str | None = None    # where the details were seen publicly; for operators only

    def name(self, lang: str) -> str:
        return _pick(self.names, lang)

    def hours_in(self, lang: str) -> str | None:
        return _pick(self.hours, lang) if self.hours else None

    def offers_in(self, lang: str) -> str:
        return _pick(self.offers, lang)

    @property
    def contactable(self) -> bool:
        return bool(self.phone or self.web)


def _pick(mapping: Mapping[str, str], lang: str) -> str:
    if lang in mapping:
        return mapping[lang]
    return mapping.get("nl") or next(iter(mapping.values()))


# ---------------------------------------------------------------------------------------- loading

def _read(path: Path | None, name: str) -> Any:
    if path is None:
        return shared(name)
    with Path(path).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _entries(data: Any, key: str, source: str) -> list[Any]:
    if not isinstance(data, Mapping):
        raise DirectoryError("top_mapping", source=source, key=key)
    flag = data.get("requires_local_verification")
    if not isinstance(flag, bool):
        raise DirectoryError("local_verification", source=source)
    entries = data.get(key)
    if not isinstance(entries, list) or not entries:
        raise DirectoryError("empty_list", source=source, key=key)
    return entries


class _Entry:
    """Field access for one raw entry, with errors that say which entry and which field."""

    def __init__(self, raw: Any, index: int, source: str):
        self.where: tuple[str, int, str | None] = (source, index + 1, None)
        if not isinstance(raw, Mapping):
            raise DirectoryError("not_a_mapping", entry=self.where, got=type(raw).__name__)
        self.raw = raw
        ident = raw.get("id")
        if isinstance(ident, str) and ident.strip():
            self.where = (source, index + 1, ident)

    def fail(self, key: str, **fill: Any) -> DirectoryError:
        return DirectoryError(key, entry=self.where, **fill)

    def text(self, field: str, *, required: bool) -> str | None:
        value = self.raw.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail("missing_field", field=field)
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and field in ("phone", "alt_phone"):
            raise self.fail("phone_as_text", field=field, value=value)
        if not isinstance(value, str):
            raise self.fail("not_text", field=field, got=type(value).__name__)
        return value.strip()

    def url(self, field: str) -> str | None:
        value = self.text(field, required=False)
        if value is not None and not re.match(r"^https?://\S+$", value):
            raise self.fail("not_an_address", field=field, value=repr(value))
        return value

    def per_language(self, field: str, *, required: bool) -> dict[str, str] | None:
        value = self.raw.get(field)
        if value is None:
            if required:
                raise self.fail("missing_field", field=field)
            return None
        if not isinstance(value, Mapping):
            raise self.fail("not_per_language", field=field, languages=", ".join(SUPPORTED_LANGUAGES))
        for lang in SUPPORTED_LANGUAGES:
            item = value.get(lang)
            if not isinstance(item, str) or not item.strip():
                raise self.fail("language_missing", field=field, language=repr(lang))
        return {str(k): str(v).strip() for k, v in value.items()}

    def names(self) -> dict[str, str]:
        value = self.raw.get("name")
        if isinstance(value, str) and value.strip():
            return {lang: value.strip() for lang in SUPPORTED_LANGUAGES}
        if isinstance(value, Mapping):
            return self.per_language("name", required=True) or {}
        raise self.fail("missing_field", field="name")

    def country(self) -> str:
        value = self.text("country", required=True)
        if value not in COUNTRIES:
            raise self.fail("unknown_country", allowed=", ".join(COUNTRIES), value=repr(value))
        return value

    def word_list(self, field: str, allowed: Sequence[str] | None = None) -> tuple[str, ...]:
        value = self.raw.get(field)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            raise self.fail("not_a_word_list", field=field)
        if allowed is not None:
            unknown = sorted(set(value) - set(allowed))
            if unknown:
                raise self.fail("unknown_words", field=field, unknown=unknown, allowed=", ".join(allowed))
        return tuple(value)

    def choice(self, field: str, allowed: Sequence[str], default: str) -> str:
        value = self.text(field, required=False) or default
        if value not in allowed:
            raise self.fail("not_a_choice", field=field, allowed=", ".join(allowed), value=repr(value))
        return value

    def verified(self) -> date | None:
        value = self.raw.get("last_verified", "missing")
        if value == "missing":
            raise self.fail("verified_missing")
        if value is None:
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise self.fail("verified_not_a_date", value=repr(value)) from None


def _unique(items: Iterable[Any], source: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise DirectoryError("duplicate_id", source=source, ident=repr(item.id))
        seen.add(item.id)


def _parse_helplines(data: Any, source: str) -> tuple[Helpline, ...]:
    lines = []
    for index, raw in enumerate(_entries(data, "helplines", source)):
        entry = _Entry(raw, index, source)
        lines.append(Helpline(
            id=entry.text("id", required=True) or "",
            names=entry.names(),
            country=entry.country(),
            languages=entry.word_list("languages"),
            kinds=entry.word_list("kinds", KINDS),
            phone=entry.text("phone", required=True) or "",
            alt_phone=entry.text("alt_phone", required=False),
            chat_url=entry.url("chat_url"),
            web=entry.url("web"),
            hours=entry.per_language("hours", required=False),
            description=entry.per_language("description", required=True) or {},
            last_verified=entry.verified(),
        ))
    _unique(lines, source)
    for country in COUNTRIES:
        for kind in ("emergency", "suicide"):
            if not any(h.country == country and kind in h.kinds for h in lines):
                raise DirectoryError("no_line", source=source, kind=kind, country=country)
    return tuple(lines)


def _parse_centres(data: Any, source: str) -> tuple[RecoveryCentre, ...]:
    centres = []
    for index, raw in enumerate(_entries(data, "recovery_centres", source)):
        entry = _Entry(raw, index, source)
        centres.append(RecoveryCentre(
            id=entry.text("id", required=True) or "",
            names=entry.names(),
            country=entry.country(),
            region=entry.text("region", required=True) or "",
            city=entry.text("city", required=False),
            phone=entry.text("phone", required=False),
            web=entry.url("web"),
            hours=entry.per_language("hours", required=False),
            offers=entry.per_language("offers", required=True) or {},
            languages=entry.word_list("languages"),
            last_verified=entry.verified(),
            kind=entry.choice("kind", PLACE_KINDS, default="recovery"),   # files from before kinds
            source=entry.text("source", required=False),
        ))
    _unique(centres, source)
    _peer_intro(data, source)   # checked with the places, so a bad edit of it is refused too
    return tuple(centres)


def load_helplines(path: Path | None = None) -> tuple[Helpline, ...]:
    """All help lines; `path` overrides the shipped `bot/content/helplines.yml`."""
    if path is None:
        return _default_helplines()
    return _parse_helplines(_read(Path(path), "helplines"), str(path))


def load_recovery_centres(path: Path | None = None) -> tuple[RecoveryCentre, ...]:
    """All recovery centres; `path` overrides the shipped `bot/content/recovery_centres.yml`."""
    if path is None:
        return _default_centres()
    return _parse_centres(_read(Path(path), "recovery_centres"), str(path))


def load_peer_intro(path: Path | None = None) -> dict[str, str] | None:
    """The operator's own words on what peer groups and experts by experience offer (`peer_intro` at
    the top of recovery_centres.yml, one text per language), or None to use bot/content/<lang>/peers.yml."""
    if path is None:
        return _default_peer_intro()
    return _peer_intro(_read(Path(path), "recovery_centres"), str(path))


def _peer_intro(data: Any, source: str) -> dict[str, str] | None:
    value = data.get("peer_intro") if isinstance(data, Mapping) else None
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(isinstance(value.get(lang), str) and value[lang].strip()
                                                 for lang in SUPPORTED_LANGUAGES):
        raise DirectoryError("peer_intro", source=source, languages=", ".join(SUPPORTED_LANGUAGES))
    return {lang: one_line(str(value[lang])) for lang in SUPPORTED_LANGUAGES}


@lru_cache(maxsize=1)
def _default_peer_intro() -> dict[str, str] | None:
    return _peer_intro(_read(None, "recovery_centres"), "recovery_centres.yml")


@lru_cache(maxsize=1)
def _default_helplines() -> tuple[Helpline, ...]:
    return _parse_helplines(_read(None, "helplines"), "helplines.yml")


@lru_cache(maxsize=1)
def _default_centres() -> tuple[RecoveryCentre, ...]:
    return _parse_centres(_read(None, "recovery_centres"), "recovery_centres.yml")


# ---------------------------------------------------------------------------------------- choosing

def normalise_country(country: str | None) -> str | None:
    """'be', ' NL ' → 'BE', 'NL'; anything else (None, 'DE', '') → None (unknown)."""
    if not isinstance(country, str):
        return None
    code = country.strip().upper()
    return code if code in COUNTRIES else None


def has_abuse_signal(signals: Sequence[str]) -> bool:
    return any(marker in s.lower() for s in signals for marker in _ABUSE_MARKERS)


def has_friend_signal(signals: Sequence[str]) -> bool:
    return any("friend" in s.lower() for s in signals)


def has_youth_signal(signals: Sequence[str]) -> bool:
    return any(marker in s.lower() for s in signals for marker in _YOUTH_MARKERS)


def _of(lines: Sequence[Helpline], country: str, kind: str) -> list[Helpline]:
    return [h for h in lines if h.country == country and kind in h.kinds]


def helplines_for(
    country: str | None,
    lang: str,
    severity: str | None,
    signals: tuple[str, ...] = (),
    *,
    lines: Sequence[Helpline] | None = None,
) -> list[Helpline]:
    """The lines to show, most urgent first.

    Known country: 112 first when severity is "imminent"; then the suicide line; then listening
    lines (youth lines only with a youth signal); domestic-violence lines when a signal mentions
    abuse or violence (before the suicide line when abuse is the only concern, after it otherwise);
    112 closes the list when it was not first. Unknown country: the suicide lines of Belgium and
    the Netherlands, the domestic-violence lines of both on an abuse signal, and 112 once.
    `lang` only orders lines within a group (lines that speak it first); it never hides a line.
    """
    lines = load_helplines() if lines is None else lines
    code = normalise_country(country)
    imminent = severity == "imminent"
    abuse = has_abuse_signal(signals)

    def speaking_first(group: list[Helpline]) -> list[Helpline]:
        return sorted(group, key=lambda h: lang not in h.languages)

    if code is None:
        emergency = [h for c in COUNTRIES for h in _of(lines, c, "emergency")][:1]
        suicide = [h for c in COUNTRIES for h in _of(lines, c, "suicide")]
        violence = [h for c in COUNTRIES for h in _of(lines, c, "domestic_violence")] if abuse else []
        ordered = (emergency if imminent else []) + suicide + violence + ([] if imminent else emergency)
    else:
        emergency = _of(lines, code, "emergency")[:1]
        suicide = speaking_first(_of(lines, code, "suicide"))
        violence = speaking_first(_of(lines, code, "domestic_violence")) if abuse else []
        youth_ok = has_youth_signal(signals)
        listening = speaking_first([
            h for h in _of(lines, code, "listening") if youth_ok or "youth" not in h.kinds
        ])
        if youth_ok:
            listening.sort(key=lambda h: "youth" not in h.kinds)
        abuse_only = abuse and severity not in ("high", "elevated")
        middle = violence + suicide if abuse_only else suicide + violence
        ordered = (emergency if imminent else []) + middle + listening + ([] if imminent else emergency)

    result: list[Helpline] = []
    for line in ordered:
        if all(line.id != seen.id for seen in result):
            result.append(line)
    return result


def recovery_centres_for(
    country: str | None,
    lang: str,
    *,
    include_incomplete: bool = False,
    centres: Sequence[RecoveryCentre] | None = None,
    kinds: Sequence[str] = PLACE_KINDS,
) -> list[RecoveryCentre]:
    """Places of these kinds in the person's country (all countries when unknown), those speaking
    `lang` first.

    Placeholders without phone and website are left out unless `include_incomplete`.
    """
    centres = load_recovery_centres() if centres is None else centres
    code = normalise_country(country)
    chosen = [
        c for c in centres
        if (code is None or c.country == code) and c.kind in kinds and (include_incomplete or c.contactable)
    ]
    return sorted(chosen, key=lambda c: lang not in c.languages)


# ---------------------------------------------------------------------------------------- output

def helpline_payload(h: Helpline, lang: str) -> dict[str, Any]:
    """Machine-readable form for the `custom` part of a reply and for escalation cases."""
    return {
        "id": h.id,
        "name": h.name(lang),
        "country": h.country,
        "phone": h.phone,
        "alt_phone": h.alt_phone,
        "chat_url": h.chat_url,
        "web": h.web,
        "hours": h.hours_in(lang),
        "description": h.description_in(lang),
    }


def recovery_centre_payload(c: RecoveryCentre, lang: str) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name(lang),
        "country": c.country,
        "region": c.region,
        "city": c.city,
        "phone": c.phone,
        "web": c.web,
        "hours": c.hours_in(lang),
        "offers": c.offers_in(lang),
        "kind": c.kind,
    }


def unverified_entries(
    *,
    today: date | None = None,
    max_age_days: int = MAX_VERIFICATION_AGE_DAYS,
    helplines: Sequence[Helpline] | None = None,
    centres: Sequence[RecoveryCentre] | None = None,
) -> list[dict[str, str]]:
    """Entries an operator must check: never verified, or verified more than `max_age_days` ago.

    Each item: {"file", "id", "name", "reason"}. An empty list means every entry carries a
    recent verification date (it does not replace checking the numbers for your own deployment).
    """
    today = today or date.today()
    limit = today - timedelta(days=max_age_days)
    found: list[dict[str, str]] = []
    groups: list[tuple[str, Sequence[Any]]] = [
        ("helplines.yml", load_helplines() if helplines is None else helplines),
        ("recovery_centres.yml", load_recovery_centres() if centres is None else centres),
    ]
    for source, items in groups:
        for item in items:
            if item.last_verified is None:
                reason = "never verified (last_verified is null)"
            elif item.last_verified < limit:
                reason = f"last verified {item.last_verified.isoformat()}, more than {max_age_days} days ago"
            else:
                continue
            if isinstance(item, RecoveryCentre) and not item.contactable:
                reason += "; no phone or website, so it is not shown to anyone yet"
            found.append({"file": source, "id": item.id, "name": item.name("en"), "reason": reason})
    return found


def _describe(item: Mapping[str, str]) -> str:  # pragma: no cover - convenience for the CLI
    return f"{item['file']}: {item['id']} ({item['name']}): {item['reason']}"


if __name__ == "__main__":  # pragma: no cover
    pending = unverified_entries()
    for item in pending:
        print(_describe(item))
    print(f"{len(pending)} entr{'y' if len(pending) == 1 else 'ies'} to verify")
