"""Editing the help-line directory (validated by the bot's own loaders, backed up, comments kept) and
the command that creates the first admin."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from dashboard_helpers import PASSWORD, Browser
from language_pages import choose_language, page_text
from sqlalchemy import select

from api import cli
from bot.config import DashboardConfig
from bot.mentoring import accounts
from bot.safety.directory import DirectoryError, load_helplines, load_recovery_centres
from bot.storage import Database
from bot.storage.models import AuditEntry, Mentor

ROOT = Path(__file__).resolve().parents[2]


def helpline_form(admin, entry_id: str = "zelfmoordlijn-1813") -> dict:
    page = admin.get(f"/dashboard/admin/directory/helpline/{entry_id}")
    assert page.status_code == 200
    lines = {h.id: h for h in load_helplines(admin.directory / "helplines.yml")}
    line = lines[entry_id]
    return {
        "name_en": line.name("en"), "name_nl": line.name("nl"), "country": line.country,
        "languages": ", ".join(line.languages), "kinds": list(line.kinds), "phone": line.phone,
        "alt_phone": line.alt_phone or "", "chat_url": line.chat_url or "", "web": line.web or "",
        "hours_en": line.hours_in("en") or "", "hours_nl": line.hours_in("nl") or "",
        "description_en": line.description_in("en"), "description_nl": line.description_in("nl"),
        "last_verified": line.last_verified.isoformat() if line.last_verified else "",
    }


def test_admin_edits_a_help_line_with_backup_and_comments_kept(app, admin, directory_copy, tmp_path):
    admin.directory = directory_copy
    listing = admin.get("/dashboard/admin/directory")
    assert listing.status_code == 200 and "Zelfmoordlijn 1813" in listing.text and "Last verified" in listing.text
    form = helpline_form(admin)
    form.update(hours_en="phone day and night", last_verified="2026-11-20")
    response = admin.post("/dashboard/admin/directory/helpline/zelfmoordlijn-1813", form)
    assert response.status_code == 303
    line = {h.id: h for h in load_helplines(directory_copy / "helplines.yml")}["zelfmoordlijn-1813"]
    assert line.hours_in("en") == "phone day and night" and line.last_verified.isoformat() == "2026-11-20"
    text = (directory_copy / "helplines.yml").read_text(encoding="utf-8")
    assert "OPERATORS: VERIFY EVERY ENTRY LOCALLY BEFORE DEPLOYMENT." in text  # comments survive
    assert "phone: '1813'" in text or 'phone: "1813"' in text  # still text, leading zeros safe
    backups = list((tmp_path / "backups").iterdir())
    assert len(backups) == 1 and "phone 24/7" in backups[0].read_text(encoding="utf-8")
    # The shipped file is untouched by the test.
    assert "phone day and night" not in (ROOT / "bot" / "content" / "helplines.yml").read_text(encoding="utf-8")
    with app.state.db.session() as session:
        assert "directory_entry_saved" in session.scalars(select(AuditEntry.action)).all()


def test_invalid_edits_are_refused_and_change_nothing(app, admin, directory_copy):
    admin.directory = directory_copy
    before = (directory_copy / "helplines.yml").read_text(encoding="utf-8")
    form = helpline_form(admin)
    form["web"] = "zelfmoord1813.be"
    bad_url = admin.post("/dashboard/admin/directory/helpline/zelfmoordlijn-1813", form)
    assert bad_url.status_code == 422 and "full http(s) address" in bad_url.text
    form = helpline_form(admin)
    form["description_nl"] = ""
    assert admin.post("/dashboard/admin/directory/helpline/zelfmoordlijn-1813", form).status_code == 422
    form = helpline_form(admin)
    form["last_verified"] = "yesterday"
    assert admin.post("/dashboard/admin/directory/helpline/zelfmoordlijn-1813", form).status_code == 422
    # Removing Belgium's suicide line would leave the crisis reply without one.
    removed = admin.post("/dashboard/admin/directory/helpline/zelfmoordlijn-1813/delete")
    assert removed.status_code == 422 and "no suicide line for BE" in removed.text
    assert (directory_copy / "helplines.yml").read_text(encoding="utf-8") == before


def test_admin_adds_a_recovery_centre_and_marks_one_verified(app, admin, directory_copy):
    created = admin.post("/dashboard/admin/directory/recovery_centre/new", {
        "id": "herstelhuis-gent", "name_en": "Recovery house Ghent", "name_nl": "Herstelhuis Gent", "country": "BE",
        "region": "Oost-Vlaanderen", "city": "Gent", "phone": "09 000 00 00", "web": "https://example.org",
        "offers_en": "Peer support and a quiet place.", "offers_nl": "Lotgenoten en een rustige plek.",
        "languages": "nl, en", "last_verified": ""})
    assert created.status_code == 303
    centres = {c.id: c for c in load_recovery_centres(directory_copy / "recovery_centres.yml")}
    assert centres["herstelhuis-gent"].city == "Gent" and centres["herstelhuis-gent"].last_verified is None
    assert admin.post("/dashboard/admin/directory/recovery_centre/herstelhuis-gent/verified").status_code == 303
    centres = {c.id: c for c in load_recovery_centres(directory_copy / "recovery_centres.yml")}
    assert centres["herstelhuis-gent"].last_verified is not None
    duplicate = admin.post("/dashboard/admin/directory/recovery_centre/new", {"id": "herstelhuis-gent"})
    assert duplicate.status_code == 422


def test_admin_files_a_peer_group_by_kind_and_sees_which_places_are_unverified(app, admin, directory_copy):
    form = admin.get("/dashboard/admin/directory/recovery_centre/new")
    assert '<select id="e-kind" name="kind">' in form.text and "peer group / experts by experience" in form.text
    created = admin.post("/dashboard/admin/directory/recovery_centre/new", {
        "id": "praatgroep-leuven", "name_en": "Talking group Leuven", "name_nl": "Praatgroep Leuven", "country": "BE",
        "region": "Vlaams-Brabant", "city": "Leuven", "phone": "", "web": "https://example.org", "kind": "peer",
        "source": "", "offers_en": "A weekly group of peers.", "offers_nl": "Een wekelijkse groep lotgenoten.",
        "languages": "nl", "last_verified": ""})
    assert created.status_code == 303
    centres = {c.id: c for c in load_recovery_centres(directory_copy / "recovery_centres.yml")}
    assert centres["praatgroep-leuven"].kind == "peer"
    listing = admin.get("/dashboard/admin/directory").text
    # The shipped places came from public pages: the operator sees where, and that nobody checked them.
    assert 'Seen on: <span translate="no">uilenspiegel.net' in listing and "unverified: details from public pages" in listing
    assert "peer group / experts by experience" in listing


def test_mentors_cannot_edit_the_directory(app, ann, directory_copy):
    before = (directory_copy / "helplines.yml").read_text(encoding="utf-8")
    assert ann.post("/dashboard/admin/directory/helpline/zelfmoordlijn-1813/delete").status_code == 403
    assert (directory_copy / "helplines.yml").read_text(encoding="utf-8") == before


def test_cli_creates_the_first_admin_from_stdin(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("WELLBEING_VAR_DIR", str(tmp_path / "var"))
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "create-admin", "--email", "Root@Example.org", "--name", "Rita"],
        input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "root@example.org" in result.stdout
    db = Database(url)
    with db.session() as session:
        admin = session.scalars(select(Mentor)).one()
        assert admin.role == "admin" and admin.display_name == "Rita"
        assert accounts.authenticate(session, "root@example.org", PASSWORD) is not None
        assert session.scalars(select(AuditEntry.action)).all() == ["admin_created"]
    db.dispose()


def test_cli_refuses_a_weak_password_and_a_second_account_with_the_same_email(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("WELLBEING_VAR_DIR", str(tmp_path / "var"))
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert cli.main(["create-admin", "--email", "a@example.org"]) == 2
    assert "at least" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["create-admin", "--email", "a@example.org"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["create-admin", "--email", "A@example.org"]) == 2
    assert "already an account" in capsys.readouterr().err


def test_cli_password_link_lets_a_locked_out_admin_back_in(app, tmp_path, monkeypatch, capsys):
    url = app.state.settings.sqlalchemy_url
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("WELLBEING_VAR_DIR", str(app.state.settings.var_dir))
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["create-admin", "--email", "boss@example.org"]) == 0
    capsys.readouterr()
    # The CLI and the app share the key kept in var/ (or DASHBOARD_SECRET_KEY).
    app.state.dashboard = DashboardConfig.from_env(app.state.settings.var_dir)
    assert cli.main(["password-link", "--email", "boss@example.org", "--base-url", "http://testserver"]) == 0
    link = capsys.readouterr().out.strip()
    browser = Browser(app)
    page = browser.get(link.replace("http://testserver", ""))
    assert page.status_code == 200 and "boss@example.org" in page.text


def test_a_dutch_admin_reads_why_an_edit_was_refused_in_dutch(app, admin, directory_copy, tmp_path):
    """Issue 14: the loader's and the form's reasons come from directory_errors.yml in the admin's
    language; the log and the command line keep the English words (str())."""
    admin.directory = directory_copy
    choose_language(admin, "nl")
    form = helpline_form(admin)
    form["web"] = "zelfmoord1813.be"
    refused = page_text(admin.post("/dashboard/admin/directory/helpline/zelfmoordlijn-1813", form).text)
    assert "moet een volledig http(s)-adres zijn" in refused and "full http(s) address" not in refused
    removed = page_text(admin.post("/dashboard/admin/directory/helpline/zelfmoordlijn-1813/delete").text)
    assert "er is geen suicide-lijn voor BE" in removed and "the crisis reply needs one" not in removed
    broken = tmp_path / "recovery_centres.yml"
    broken.write_text("requires_local_verification: true\nrecovery_centres:\n  - id: x\n", encoding="utf-8")
    with pytest.raises(DirectoryError) as problem:
        load_recovery_centres(broken)
    assert "missing required field" in str(problem.value) and "ontbreekt" in problem.value.text("nl")


def test_the_admin_writes_the_peer_explanation_people_read(app, admin, directory_copy, monkeypatch):
    """Issue 14.2: what peer groups and experts by experience offer is the operator's to word, on the
    directory page, in every language (or not at all: then the bot's own words apply)."""
    from bot.safety import directory, peers

    admin.directory = directory_copy
    page = admin.get("/dashboard/admin/directory").text
    assert 'name="peer_intro_nl"' in page and "In a peer group you meet others" in page  # the default, greyed
    own = {"peer_intro_en": "Our peer workers have been where you are. Meet them on Tuesday evenings.",
           "peer_intro_nl": "Onze ervaringswerkers weten waar je staat. Je ontmoet ze op dinsdagavond."}
    saved = admin.post("/dashboard/admin/directory/peer-intro", own)
    assert saved.status_code == 303 and saved.headers["location"].endswith("done=peer_intro")
    written = directory.load_peer_intro(directory_copy / "recovery_centres.yml")
    assert written == {"en": own["peer_intro_en"], "nl": own["peer_intro_nl"]}
    assert len(directory.load_recovery_centres(directory_copy / "recovery_centres.yml")) >= 10  # places kept
    # What a person reads in the chat now starts with the operator's words.
    monkeypatch.setattr(peers, "load_peer_intro", lambda: written)
    assert peers.peer_support_message("BE", "nl")["text"].startswith("Onze ervaringswerkers")
    # One language only is refused (a person reading the other would get nothing), in the admin's words.
    half = admin.post("/dashboard/admin/directory/peer-intro", {"peer_intro_en": "Only English", "peer_intro_nl": ""})
    assert half.status_code == 422 and "'peer_intro' must give a text for each language" in page_text(half.text)
    assert directory.load_peer_intro(directory_copy / "recovery_centres.yml") == written
    # Both empty: back to the bot's own words.
    cleared = admin.post("/dashboard/admin/directory/peer-intro", {"peer_intro_en": " ", "peer_intro_nl": ""})
    assert cleared.status_code == 303
    assert directory.load_peer_intro(directory_copy / "recovery_centres.yml") is None
