"""Help-line and recovery-centre data: the shipped files load, choices follow the rules, bad data fails loudly."""
from __future__ import annotations

from datetime import date

import pytest
import yaml

from bot.content import CONTENT_DIR, shared
from bot.safety.directory import (
    DirectoryError,
    helpline_payload,
    helplines_for,
    load_helplines,
    load_recovery_centres,
    recovery_centres_for,
    unverified_entries,
)


def ids(lines):
    return [h.id for h in lines]


def phones(lines):
    return [h.phone for h in lines]


# ----------------------------------------------------------------------------- shipped data

def test_shipped_files_carry_the_verification_flag():
    assert shared("helplines")["requires_local_verification"] is True
    assert shared("recovery_centres")["requires_local_verification"] is True
    for name in ("helplines.yml", "recovery_centres.yml"):
        header = (CONTENT_DIR / name).read_text(encoding="utf-8").split("\n", 12)[:12]
        assert any("VERIFY EVERY ENTRY LOCALLY BEFORE DEPLOYMENT" in line for line in header)


def test_shipped_helplines_include_the_core_numbers():
    by_id = {h.id: h for h in load_helplines()}
    expected = {
        "emergency-112-be": ("BE", "112"),
        "emergency-112-nl": ("NL", "112"),
        "zelfmoordlijn-1813": ("BE", "1813"),
        "tele-onthaal-106": ("BE", "106"),
        "awel-102": ("BE", "102"),
        "hulplijn-1712": ("BE", "1712"),
        "113-zelfmoordpreventie": ("NL", "113"),
        "de-luisterlijn": ("NL", "088 0767 000"),
        "kindertelefoon": ("NL", "0800-0432"),
        "veilig-thuis": ("NL", "0800-2000"),
    }
    for ident, (country, phone) in expected.items():
        assert by_id[ident].country == country
        assert by_id[ident].phone == phone
    assert by_id["113-zelfmoordpreventie"].alt_phone == "0800-0113"


def test_every_helpline_has_text_in_both_languages():
    for h in load_helplines():
        for lang in ("en", "nl"):
            assert h.name(lang).strip()
            assert h.description_in(lang).strip()


# ----------------------------------------------------------------------------- choosing lines

def test_imminent_puts_112_first():
    for country in ("BE", "NL", None):
        lines = helplines_for(country, "nl", "imminent", ("means",))
        assert lines[0].phone == "112"
        assert phones(lines).count("112") == 1


def test_not_imminent_still_lists_112_but_after_the_suicide_line():
    lines = helplines_for("BE", "nl", "elevated", ("passive",))
    assert lines[0].id == "zelfmoordlijn-1813"
    assert lines[-1].phone == "112"


def test_belgium_and_netherlands_get_their_own_suicide_line():
    be = helplines_for("BE", "en", "high", ("explicit",))
    nl = helplines_for("NL", "en", "high", ("explicit",))
    assert be[0].id == "zelfmoordlijn-1813" and "113-zelfmoordpreventie" not in ids(be)
    assert nl[0].id == "113-zelfmoordpreventie" and "zelfmoordlijn-1813" not in ids(nl)
    assert all(h.country == "BE" for h in be)
    assert all(h.country == "NL" for h in nl)


def test_listening_lines_follow_the_suicide_line():
    be = ids(helplines_for("BE", "nl", "high", ()))
    nl = ids(helplines_for("NL", "nl", "high", ()))
    assert be.index("zelfmoordlijn-1813") < be.index("tele-onthaal-106")
    assert nl.index("113-zelfmoordpreventie") < nl.index("de-luisterlijn")


def test_country_code_is_case_insensitive():
    assert ids(helplines_for("be", "nl", "high")) == ids(helplines_for("BE", "nl", "high"))


def test_unknown_country_gives_both_suicide_lines_and_112():
    for country in (None, "", "DE"):
        lines = helplines_for(country, "en", "high", ("explicit",))
        assert {"zelfmoordlijn-1813", "113-zelfmoordpreventie"} <= set(ids(lines))
        assert phones(lines).count("112") == 1


def test_abuse_signal_adds_the_violence_line_of_the_country():
    assert "hulplijn-1712" in ids(helplines_for("BE", "nl", "concern", ("abuse",)))
    assert "veilig-thuis" in ids(helplines_for("NL", "nl", "concern", ("domestic_violence",)))
    assert "hulplijn-1712" not in ids(helplines_for("BE", "nl", "high", ("explicit",)))
    assert "veilig-thuis" not in ids(helplines_for("NL", "nl", "high", ("explicit",)))


def test_abuse_alone_puts_the_violence_line_before_the_suicide_line():
    lines = ids(helplines_for("NL", "nl", "concern", ("abuse",)))
    assert lines.index("veilig-thuis") < lines.index("113-zelfmoordpreventie")
    mixed = ids(helplines_for("NL", "nl", "high", ("explicit", "abuse")))
    assert mixed.index("113-zelfmoordpreventie") < mixed.index("veilig-thuis")


def test_youth_lines_only_with_a_youth_signal():
    assert "awel-102" not in ids(helplines_for("BE", "nl", "elevated", ("passive",)))
    assert "awel-102" in ids(helplines_for("BE", "nl", "elevated", ("passive", "youth")))
    assert "kindertelefoon" in ids(helplines_for("NL", "nl", "elevated", ("minor",)))


def test_payload_has_the_fields_a_widget_needs():
    line = next(h for h in load_helplines() if h.id == "zelfmoordlijn-1813")
    payload = helpline_payload(line, "nl")
    for key in ("id", "name", "phone", "chat_url", "web", "hours", "description"):
        assert key in payload
    assert payload["phone"] == "1813"
    assert payload["description"] == line.description_in("nl")
    assert helpline_payload(line, "en")["hours"] != payload["hours"]


# ----------------------------------------------------------------------------- recovery centres

def test_recovery_centres_filter_by_country_and_hide_placeholders():
    be = recovery_centres_for("BE", "nl")
    assert be and all(c.country == "BE" for c in be)
    assert all(c.phone or c.web for c in be)
    every = recovery_centres_for(None, "nl", include_incomplete=True)
    assert len(every) == len(load_recovery_centres())


# ----------------------------------------------------------------------------- operator check

def test_unverified_entries_lists_null_and_stale_dates():
    pending = {item["id"]: item for item in unverified_entries(today=date(2026, 11, 23))}
    nulls = {h.id for h in load_helplines() if h.last_verified is None}
    nulls |= {c.id for c in load_recovery_centres() if c.last_verified is None}
    assert nulls and nulls <= set(pending)
    assert "zelfmoordlijn-1813" not in pending
    later = {item["id"] for item in unverified_entries(today=date(2028, 1, 1))}
    assert "zelfmoordlijn-1813" in later  # more than a year after its check


# ----------------------------------------------------------------------------- loader errors

def _entry(**overrides):
    entry = {
        "id": "test-line",
        "name": "Test line",
        "country": "BE",
        "languages": ["nl"],
        "kinds": ["suicide", "emergency"],
        "phone": "1813",
        "alt_phone": None,
        "chat_url": None,
        "web": "https://example.org",
        "hours": {"en": "24/7", "nl": "dag en nacht"},
        "description": {"en": "A line.", "nl": "Een lijn."},
        "last_verified": None,
    }
    entry.update(overrides)
    return entry


def _write(tmp_path, entries, key="helplines"):
    path = tmp_path / f"{key}.yml"
    nl = _entry(id="nl-line", country="NL", phone="113")
    extra = [nl] if key == "helplines" else []
    path.write_text(
        yaml.safe_dump({"requires_local_verification": True, key: entries + extra}), encoding="utf-8"
    )
    return path


def test_loader_accepts_a_good_file(tmp_path):
    lines = load_helplines(_write(tmp_path, [_entry()]))
    assert ids(lines) == ["test-line", "nl-line"]


def test_loader_rejects_an_entry_without_a_phone(tmp_path):
    broken = _entry(id="no-phone")
    del broken["phone"]
    with pytest.raises(DirectoryError, match=r"no-phone.*phone"):
        load_helplines(_write(tmp_path, [broken]))


def test_a_directory_file_of_the_wrong_shape_is_named_in_words(tmp_path):
    # An operator's file with no entries, or a list at the top, gets an explanation naming the list
    # (these texts have a {key} placeholder of their own; it once clashed with the error's key).
    empty = tmp_path / "helplines.yml"
    empty.write_text(yaml.safe_dump({"requires_local_verification": True, "helplines": []}), encoding="utf-8")
    with pytest.raises(DirectoryError, match="'helplines' must be a non-empty list") as info:
        load_helplines(empty)
    assert "'helplines'" in info.value.text("nl") and "niet leeg" in info.value.text("nl")
    listed = tmp_path / "listed.yml"
    listed.write_text(yaml.safe_dump([{"id": "x"}]), encoding="utf-8")
    with pytest.raises(DirectoryError, match="expected a mapping with a 'helplines' list"):
        load_helplines(listed)


def test_loader_rejects_an_empty_phone_and_an_unquoted_number(tmp_path):
    with pytest.raises(DirectoryError, match="phone"):
        load_helplines(_write(tmp_path, [_entry(phone="  ")]))
    with pytest.raises(DirectoryError, match="quoted"):
        load_helplines(_write(tmp_path, [_entry(phone=1813)]))


@pytest.mark.parametrize(
    "override, message",
    [
        ({"country": "FR"}, "country"),
        ({"kinds": ["hotline"]}, "kinds"),
        ({"description": {"en": "only English"}}, "'nl'"),
        ({"web": "www.example.org"}, "web"),
        ({"last_verified": "yesterday"}, "ISO date"),
    ],
)
def test_loader_names_the_bad_field(tmp_path, override, message):
    with pytest.raises(DirectoryError, match=message) as info:
        load_helplines(_write(tmp_path, [_entry(**override)]))
    assert "test-line" in str(info.value)


def test_loader_rejects_duplicate_ids_and_missing_flag(tmp_path):
    with pytest.raises(DirectoryError, match="duplicate"):
        load_helplines(_write(tmp_path, [_entry(), _entry()]))
    path = tmp_path / "noflag.yml"
    path.write_text(yaml.safe_dump({"helplines": [_entry()]}), encoding="utf-8")
    with pytest.raises(DirectoryError, match="requires_local_verification"):
        load_helplines(path)


def test_loader_requires_a_suicide_line_per_country(tmp_path):
    with pytest.raises(DirectoryError, match="no suicide line for BE"):
        load_helplines(_write(tmp_path, [_entry(kinds=["listening", "emergency"])]))


def test_centre_loader_rejects_missing_offers(tmp_path):
    centre = {
        "id": "centre", "name": "Centre", "country": "BE", "region": "Vlaanderen", "city": None,
        "phone": None, "web": None, "hours": None, "languages": ["nl"], "last_verified": None,
    }
    with pytest.raises(DirectoryError, match=r"centre.*offers"):
        load_recovery_centres(_write(tmp_path, [centre], key="recovery_centres"))


@pytest.mark.parametrize(("lang", "word"), [("en", "free"), ("nl", "gratis")])
def test_the_help_panel_promises_no_cost_the_directory_does_not_state(lang, word):
    """Not every line is free (a line's own description says when it is): the panel's introduction
    must not promise it for all of them."""
    from bot.content import text

    assert word not in text(lang, "ui.help_intro").lower()
    assert "confidential" in text("en", "ui.help_intro") and "vertrouwelijk" in text("nl", "ui.help_intro")
