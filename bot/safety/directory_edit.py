"""Editing the help-line and recovery-centre files from the mentor dashboard.

The files stay the one source (`bot/content/helplines.yml`, `recovery_centres.yml`). An edit is
applied to a round-trip copy (comments and order kept), written to a temporary file beside the
original, validated with the same loaders the bot uses (`bot/safety/directory.py`), and only then
moved into place, after the previous version was copied to a timestamped backup. A change that
would break the crisis reply (say, removing a country's last suicide line) is refused with the
loader's message.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from bot.config import SUPPORTED_LANGUAGES
from bot.safety import directory
from bot.safety.directory import KINDS, DirectoryError
from bot.text import one_line

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")


@dataclass(frozen=True)
class Kind:
    name: str  # helpline | recovery_centre
    file: str
    key: str  # the list's key at the top of the file
    loader: Any
    translated: tuple[str, ...]  # fields given per language
    plain: tuple[str, ...]  # single text fields


KINDS_BY_NAME = {
    "helpline": Kind("helpline", "helplines.yml", "helplines", directory.load_helplines,
                     ("name", "hours", "description"), ("phone", "alt_phone", "chat_url", "web")),
    "recovery_centre": Kind("recovery_centre", "recovery_centres.yml", "recovery_centres",
                            directory.load_recovery_centres,
                            ("name", "hours", "offers"), ("region", "city", "phone", "web", "kind", "source")),
}


def kind_of(name: str) -> Kind:
    if name not in KINDS_BY_NAME:
        raise DirectoryError("unknown_kind", name=repr(name))
    return KINDS_BY_NAME[name]


def _yaml() -> YAML:
    yaml = YAML()  # round trip: keeps comments, order and quoting
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return _yaml().load(handle)


def entries(kind: Kind, folder: Path) -> list[dict[str, Any]]:
    """The entries as form values (every field a string), in file order."""
    data = _load(Path(folder) / kind.file)
    return [form_values(kind, raw) for raw in data.get(kind.key) or []]


def form_values(kind: Kind, raw: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"id": str(raw.get("id") or "")}
    for field in kind.translated:
        value = raw.get(field)
        for lang in SUPPORTED_LANGUAGES:
            if isinstance(value, dict):
                values[f"{field}_{lang}"] = str(value.get(lang) or "")
            else:
                values[f"{field}_{lang}"] = str(value or "")
    for field in kind.plain:
        values[field] = "" if raw.get(field) is None else str(raw.get(field))
    values["country"] = str(raw.get("country") or "")
    values["languages"] = ", ".join(raw.get("languages") or [])
    if kind.name == "helpline":
        values["kinds"] = list(raw.get("kinds") or [])
    verified = raw.get("last_verified")
    values["last_verified"] = verified.isoformat() if isinstance(verified, date) else str(verified or "")
    return values


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,]+", text or "") if w]


def _apply(kind: Kind, target: CommentedMap, form: dict[str, Any]) -> None:
    """Write the submitted fields into the entry, in place (so comments stay attached)."""
    for field in kind.translated:
        per_lang = {lang: str(form.get(f"{field}_{lang}", "")).strip() for lang in SUPPORTED_LANGUAGES}
        if field == "name" and len(set(per_lang.values())) == 1:
            target[field] = per_lang["en"]  # one name in every language: a plain string, as in the file
        elif field == "hours" and not any(per_lang.values()):
            target[field] = None
        else:
            target[field] = per_lang
    target["country"] = str(form.get("country", "")).strip().upper()
    for field in kind.plain:
        value = str(form.get(field, "")).strip()
        target[field] = value or None
    target["languages"] = _words(str(form.get("languages", "")).lower())
    if kind.name == "helpline":
        chosen = form.get("kinds") or []
        target["kinds"] = [k for k in KINDS if k in chosen]
    verified = str(form.get("last_verified", "")).strip()
    if verified:
        try:
            target["last_verified"] = date.fromisoformat(verified)
        except ValueError:
            raise DirectoryError("form_date", value=repr(verified)) from None
    else:
        target["last_verified"] = None


def _blank(kind: Kind, entry_id: str) -> CommentedMap:
    entry = CommentedMap()
    entry["id"] = entry_id
    order = ["name", "country"] + (["languages", "kinds"] if kind.name == "helpline" else ["region", "city"])
    order += list(kind.plain) + ["hours"] + [f for f in kind.translated if f not in ("name", "hours")]
    order += ["languages", "last_verified"]
    for field in order:
        if field not in entry:
            entry[field] = None
    return entry


def save_entry(
    kind_name: str, folder: Path, backup_dir: Path, *, entry_id: str, form: dict[str, Any] | None,
    create: bool = False,
) -> Path:
    """Create, change (form given) or delete (form None) one entry; returns the backup's path.
    Raises DirectoryError, with the loader's message, when the result would not load."""
    kind = kind_of(kind_name)
    path = Path(folder) / kind.file
    data = _load(path)
    items = data.get(kind.key)
    index = next((i for i, raw in enumerate(items) if str(raw.get("id")) == entry_id), None)
    if create:
        if not ID_PATTERN.match(entry_id or ""):
            raise DirectoryError("bad_id")
        if index is not None:
            raise DirectoryError("id_taken", ident=repr(entry_id))
        entry = _blank(kind, entry_id)
        _apply(kind, entry, form or {})
        items.append(entry)
    elif index is None:
        raise DirectoryError("no_entry", ident=repr(entry_id))
    elif form is None:
        del items[index]
    else:
        _apply(kind, items[index], form)

    return _replace(kind, path, data, backup_dir)


def peer_intro_values(folder: Path) -> dict[str, str]:
    """The operator's explanation of peers per language, as form values ("" when not written)."""
    value = _load(Path(folder) / KINDS_BY_NAME["recovery_centre"].file).get("peer_intro")
    return {lang: str((value or {}).get(lang) or "") for lang in SUPPORTED_LANGUAGES}


def save_peer_intro(folder: Path, backup_dir: Path, texts: dict[str, str]) -> Path:
    """Write the operator's explanation of what peers offer (every language empty: remove it, so the
    bot's own words in peers.yml apply again); validated and backed up like an entry."""
    kind = KINDS_BY_NAME["recovery_centre"]
    path = Path(folder) / kind.file
    data = _load(path)
    cleaned = {lang: one_line(str(texts.get(lang, ""))) for lang in SUPPORTED_LANGUAGES}
    if any(cleaned.values()):
        data["peer_intro"] = cleaned
    elif "peer_intro" in data:
        del data["peer_intro"]
    return _replace(kind, path, data, backup_dir)


def _replace(kind: Kind, path: Path, data: Any, backup_dir: Path) -> Path:
    """Write *data* beside the file, validate it with the bot's loader, back up the old file, swap."""
    buffer = io.StringIO()
    _yaml().dump(data, buffer)
    text = buffer.getvalue()
    descriptor, temporary = tempfile.mkstemp(prefix=f".{kind.file}.", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        kind.loader(Path(temporary))  # the bot's own validation; raises DirectoryError
        backup_dir = Path(backup_dir)
        backup_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        backup = backup_dir / f"{kind.file}.{stamp}"
        shutil.copy2(path, backup)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    forget_cached_directory()
    return backup


def forget_cached_directory() -> None:
    """This process reads the new files from now on; other processes (the action server) on restart."""
    from bot import content

    directory._default_helplines.cache_clear()
    directory._default_centres.cache_clear()
    directory._default_peer_intro.cache_clear()
    content.shared.cache_clear()
