"""Caring for the mentors: the debrief after a heavy case (private; admins see counts only) and each
mentor's own recent load."""
from __future__ import annotations

from dashboard_helpers import make_case
from language_pages import choose_language, page_text
from sqlalchemy import select

from bot import content
from bot.mentoring import care
from bot.storage.models import Mentor, MentorDebrief


def claim_and_close(browser, case_id: int, outcome: str = "reached_safe"):
    assert browser.post(f"/dashboard/cases/{case_id}/claim").status_code == 303
    return browser.post(f"/dashboard/cases/{case_id}/close", {"outcome": outcome, "note": "done for now"})


def test_closing_a_heavy_case_offers_a_private_debrief(app, db, ann, bo, admin):
    case_id = make_case(db, "p-heavy", "imminent")
    closed = claim_and_close(ann, case_id, "emergency_services")
    assert closed.headers["location"] == f"/dashboard/debrief/{case_id}"
    form = ann.get(closed.headers["location"])
    assert form.status_code == 200 and "normal reaction" in form.text
    saved = ann.post(f"/dashboard/debrief/{case_id}", {"feeling": "shaken", "wants_colleague": "yes",
                                                      "note": "the silence on the line stays with me"})
    assert saved.status_code == 303 and saved.headers["location"].startswith("/dashboard/my-load")
    own = ann.get("/dashboard/my-load").text
    assert "the silence on the line stays with me" in own and "Shaken" in own

    # Colleagues and admins never see the content.
    assert "the silence on the line" not in bo.get("/dashboard/my-load").text
    care_page = admin.get("/dashboard/admin/care").text
    assert "the silence on the line" not in care_page and "shaken" not in care_page.lower()
    assert "ann" not in care_page.lower()
    with db.session() as session:
        counts = care.debrief_counts(session, 30)
    assert counts == {"days": 30, "offered": 1, "written": 1, "skipped": 0, "asked_for_colleague": 1}
    assert "<td>1</td>" in care_page
    # The audit log records actions on cases, not the debrief.
    assert "silence" not in admin.get("/dashboard/admin/audit").text
    # Once is enough.
    ann.post(f"/dashboard/debrief/{case_id}", {"feeling": "steady", "note": "again"})
    with db.session() as session:
        assert len(session.scalars(select(MentorDebrief)).all()) == 1


def test_debrief_can_be_skipped_and_is_only_for_heavy_cases(app, db, ann):
    heavy = make_case(db, "p-heavy2", "high")
    claim_and_close(ann, heavy)
    assert ann.post(f"/dashboard/debrief/{heavy}", {"skip": "1", "note": "not saved"}).status_code == 303
    with db.session() as session:
        row = session.scalars(select(MentorDebrief)).one()
        assert row.status == "skipped" and row.note is None
    light = make_case(db, "p-light", "concern")
    closed = claim_and_close(ann, light)
    assert closed.headers["location"].startswith("/dashboard/queue")
    assert ann.get(f"/dashboard/debrief/{light}").status_code == 303  # nothing to debrief


def test_only_the_mentor_who_closed_can_debrief(app, db, ann, bo):
    case_id = make_case(db, "p-heavy3", "high")
    claim_and_close(ann, case_id)
    assert bo.get(f"/dashboard/debrief/{case_id}").status_code == 303
    bo.post(f"/dashboard/debrief/{case_id}", {"feeling": "steady", "note": "not mine"})
    with db.session() as session:
        assert session.scalars(select(MentorDebrief)).all() == []


def test_my_load_counts_recent_cases_by_severity(app, db, ann):
    for index, severity in enumerate(["imminent", "high", "high", "elevated"]):
        case_id = make_case(db, f"p-load-{index}", severity)
        claim_and_close(ann, case_id)
    held = make_case(db, "p-load-held", "concern")
    ann.post(f"/dashboard/cases/{held}/claim")
    with db.session() as session:
        mentor = session.scalars(select(Mentor).where(Mentor.email == "ann@example.org")).one()
        load = care.load_summary(session, mentor)
    assert load["held_now"] == 1
    week = load["windows"]["7"]
    assert week["cases"] == 5 and week["closed"] == 4
    assert week["by_severity"] == {"imminent": 1, "high": 2, "elevated": 1, "concern": 1}
    assert load["consider_a_pause"] is True  # three heavy cases in a week
    page = ann.get("/dashboard/my-load").text
    assert "You have carried a lot this week" in page


# ------------------------------------------------------------------------------------ care for the helper (issue 14.3)

def _care(lang: str) -> dict:
    return content.section(lang, "helper_care")


def _visible(markup: str) -> str:
    return " ".join(page_text(markup).split())


def test_my_load_teaches_the_abc_the_two_poles_and_the_five_needs(ann):
    page = _visible(ann.get("/dashboard/my-load").text)
    texts = _care("en")
    assert [p["name"] for p in texts["abc"]["parts"]] == [
        "Attention and acceptance", "Balance", "Connection and communication"]
    for part in texts["abc"]["parts"]:
        assert part["name"] in page and " ".join(part["text"].split()) in page
    for pole in ("too_far", "too_close"):
        assert texts["signs"][pole]["name"] in page
        assert all(line in page for line in texts["signs"][pole]["lines"])
    assert "secondary (or vicarious) traumatisation" in page
    assert "intervision" in page and "supervision" in page
    assert [need["name"] for need in texts["needs"]["lines"]] == ["Place", "Nourishment", "Support", "Protection", "Limits"]
    assert all(q in page for need in texts["needs"]["lines"] for q in need["questions"])


def test_a_dutch_mentor_reads_the_care_in_dutch(ann):
    choose_language(ann, "nl")
    page = _visible(ann.get("/dashboard/my-load").text)
    for name in ("Aandacht en aanvaarding", "Balans", "Contact en communicatie", "secundaire traumatisering",
                 "Plaats", "Voeding", "Steun", "Bescherming", "Grenzen", "intervisie", "supervisie"):
        assert name in page
    assert "Attention and acceptance" not in page and "Questions for yourself" not in page


def test_the_debrief_says_what_helps_and_points_to_the_rest(app, db, ann):
    case_id = make_case(db, "p-care", "high")
    form = ann.get(claim_and_close(ann, case_id).headers["location"]).text
    assert all(line in _visible(form) for line in _care("en")["secondary"]["help"])
    assert 'href="/dashboard/my-load#care-signs"' in form
    assert 'id="care-signs"' in ann.get("/dashboard/my-load").text  # the link lands on a heading


def test_admins_read_what_the_organisation_owes_its_helpers(admin):
    page = _visible(admin.get("/dashboard/admin/care").text)
    assert _care("en")["organisation"]["title"] in page
    assert all(line in page for line in _care("en")["organisation"]["lines"])
