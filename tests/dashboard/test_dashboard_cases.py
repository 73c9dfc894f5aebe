"""The queue, the case view and the actions on a case: order, live JSON, audit entries, one mentor at a
time, the caseload cap, what a mentor may read, and what only admins may reach."""
from __future__ import annotations

import re

import pytest
from anon_ids import sid
from dashboard_helpers import case_row, make_case
from sqlalchemy import select, text

from bot.storage.models import AuditEntry, CaseEvent


def audit_of(db, case_id: int | None = None) -> list[tuple[str, str]]:
    with db.session() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if case_id is not None:
            query = query.where(AuditEntry.case_id == case_id)
        return [(e.actor, e.action) for e in session.scalars(query)]


def test_queue_orders_by_severity_then_waiting_time(app, db, ann):
    concern = make_case(db, "p-concern", "concern", minutes_ago=300)
    high_new = make_case(db, "p-high-new", "high", minutes_ago=5)
    imminent = make_case(db, "p-imminent", "imminent", minutes_ago=1)
    high_old = make_case(db, "p-high-old", "high", minutes_ago=60)
    elevated = make_case(db, "p-elevated", "elevated", minutes_ago=30)
    expected = [imminent, high_old, high_new, elevated, concern]

    data = ann.get("/dashboard/queue.json").json()
    assert [row["id"] for row in data["cases"]] == expected
    assert data["held"] == 0 and data["cap"] == 3
    assert data["cases"][0]["alert"] is True and data["cases"][-1]["alert"] is False
    # The list carries no words of the person: those are only on the case page, which is audited.
    assert "i want to die" not in ann.get("/dashboard/queue.json").text

    page = ann.get("/dashboard/queue").text
    order = [int(n) for n in re.findall(r'data-case="(\d+)"', page)]
    assert order == expected
    assert 'id="queue-alert" role="alert"' in page and 'id="queue-alert" role="alert" hidden' not in page
    assert 'role="status" aria-live="polite"' in page  # updates are announced
    assert 'href="#main"' in page  # skip link


def test_queue_shows_new_cases_and_who_holds_them(app, db, ann, bo):
    first = make_case(db, sid("p-1"), "elevated")
    assert ann.post(f"/dashboard/cases/{first}/claim").status_code == 303
    rows = bo.get("/dashboard/queue.json").json()["cases"]
    assert rows[0]["held_by"] == "Ann" and rows[0]["mine"] is False
    second = make_case(db, sid("p-2"), "imminent")
    rows = bo.get("/dashboard/queue.json").json()["cases"]
    assert [r["id"] for r in rows] == [second, first]
    assert rows[0]["alert"] is True


def test_viewing_a_case_is_audited_and_shows_the_essentials(app, db, ann):
    case_id = make_case(db, "p-view", "high", text="i will end it tonight", language="nl", country="NL")
    page = ann.get(f"/dashboard/cases/{case_id}")
    assert page.status_code == 200
    assert '<mark class="trigger-text">i will end it tonight</mark>' in page.text
    assert "NL" in page.text and "Shares conversation" in page.text
    assert ("ann@example.org", "case_viewed") in audit_of(db, case_id)


def test_claim_note_release_close_are_audited(app, db, ann):
    case_id = make_case(db, "p-audit", "elevated")
    assert ann.post(f"/dashboard/cases/{case_id}/claim").status_code == 303
    assert ann.post(f"/dashboard/cases/{case_id}/notes", {"text": "called, no answer"}).status_code == 303
    assert ann.post(f"/dashboard/cases/{case_id}/release").status_code == 303
    assert ann.post(f"/dashboard/cases/{case_id}/claim").status_code == 303
    closed = ann.post(f"/dashboard/cases/{case_id}/close", {"outcome": "reached_safe", "note": "safe with family"})
    assert closed.status_code == 303 and closed.headers["location"].startswith("/dashboard/queue")
    actions = [action for actor, action in audit_of(db, case_id) if actor == "ann@example.org"]
    assert actions == ["case_claimed", "note_added", "case_released", "case_claimed", "case_closed"]
    with db.session() as session:
        kinds = [e.kind for e in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id))]
    assert kinds == ["opened", "claimed", "note", "released", "claimed", "closed"]
    case = case_row(db, case_id)
    assert case.status == "closed" and case.outcome == "reached_safe"
    page = ann.get(f"/dashboard/cases/{case_id}").text
    assert "called, no answer" in page and "Reached, and safe for now" in page


def test_one_mentor_at_a_time(app, db, ann, bo):
    case_id = make_case(db, "p-excl", "high")
    assert ann.post(f"/dashboard/cases/{case_id}/claim").status_code == 303
    taken = bo.post(f"/dashboard/cases/{case_id}/claim")
    assert taken.status_code == 409 and "Someone else holds this case" in taken.text
    assert "Held by <strong>Ann</strong>" in bo.get(f"/dashboard/cases/{case_id}").text
    for path, data in [("notes", {"text": "hi"}), ("messages", {"text": "hello"}), ("handback", {}),
                       ("close", {"outcome": "other", "note": "x"}), ("release", {}),
                       ("entries", {"kind": "helpline", "entry_id": "zelfmoordlijn-1813"})]:
        response = bo.post(f"/dashboard/cases/{case_id}/{path}", data)
        assert response.status_code == 403, path
    case = case_row(db, case_id)
    assert case.claimed_by == "ann@example.org" and case.status == "claimed"


def test_an_admin_can_release_for_a_colleague(app, db, ann, admin):
    case_id = make_case(db, "p-away", "high")
    ann.post(f"/dashboard/cases/{case_id}/claim")
    assert admin.post(f"/dashboard/cases/{case_id}/release").status_code == 303
    assert case_row(db, case_id).status == "open"
    assert ("admin@example.org", "case_released") in audit_of(db, case_id)


def test_caseload_cap_refuses_a_claim_and_says_why(app, db, ann, admin):
    assert admin.post("/dashboard/admin/settings", {"caseload_cap": "2"}).status_code == 303
    cases = [make_case(db, f"p-cap-{i}", "elevated") for i in range(3)]
    assert ann.post(f"/dashboard/cases/{cases[0]}/claim").status_code == 303
    assert ann.post(f"/dashboard/cases/{cases[1]}/claim").status_code == 303
    refused = ann.post(f"/dashboard/cases/{cases[2]}/claim")
    assert refused.status_code == 409
    assert "You already hold 2 cases; the cap is 2" in refused.text
    assert case_row(db, cases[2]).status == "open"
    assert ("ann@example.org", "claim_refused_caseload") in audit_of(db, cases[2])
    # Closing one makes room.
    ann.post(f"/dashboard/cases/{cases[0]}/close", {"outcome": "no_response", "note": "tried twice"})
    assert ann.post(f"/dashboard/cases/{cases[2]}/claim").status_code == 303


def test_caseload_cap_must_be_sensible(app, admin):
    assert admin.post("/dashboard/admin/settings", {"caseload_cap": "0"}).status_code == 422
    assert admin.post("/dashboard/admin/settings", {"caseload_cap": "lots"}).status_code == 422


def test_close_needs_an_outcome_and_a_note(app, db, ann):
    case_id = make_case(db, "p-close", "elevated")
    ann.post(f"/dashboard/cases/{case_id}/claim")
    assert ann.post(f"/dashboard/cases/{case_id}/close", {"outcome": "fine", "note": "x"}).status_code == 422
    assert ann.post(f"/dashboard/cases/{case_id}/close", {"outcome": "referred", "note": " "}).status_code == 422
    assert case_row(db, case_id).status == "claimed"


def test_without_consent_only_triggers_are_visible(app, db, ann, client):
    sender = sid("p-private")
    client.post("/webhooks/rest/webhook", json={"sender": sender, "message": "my holiday plans are a secret",
                                                "metadata": {"language": "en"}})
    case_id = make_case(db, sender, "elevated", text="i want to die")
    page = ann.get(f"/dashboard/cases/{case_id}").text
    assert "i want to die" in page
    assert "my holiday plans are a secret" not in page
    with db.session() as session:
        from bot.mentoring import escalation

        escalation.set_consent(session, sender, transcript=True)
    page = ann.get(f"/dashboard/cases/{case_id}").text
    assert "my holiday plans are a secret" in page
    assert 'class="tmsg tmsg-user is-trigger"' in page  # the triggering message is marked in the transcript


def test_unknown_case_is_404(app, ann):
    assert ann.get("/dashboard/cases/999").status_code == 404
    assert ann.post("/dashboard/cases/999/claim").status_code == 404


@pytest.mark.parametrize("path", ["/dashboard/admin/mentors", "/dashboard/admin/settings", "/dashboard/admin/audit",
                                  "/dashboard/admin/care", "/dashboard/admin/directory",
                                  "/dashboard/admin/directory/helpline/zelfmoordlijn-1813"])
def test_mentors_cannot_reach_admin_pages(app, ann, admin, path):
    assert ann.get(path).status_code == 403
    assert admin.get(path).status_code == 200


def test_mentors_cannot_post_to_admin_routes(app, db, ann):
    assert ann.post("/dashboard/admin/mentors", {"email": "x@example.org", "role": "admin"}).status_code == 403
    assert ann.post("/dashboard/admin/settings", {"caseload_cap": "40"}).status_code == 403
    assert ann.post("/dashboard/admin/mentors/1/role", {"role": "admin"}).status_code == 403


def test_audit_log_is_readable_by_admins_and_append_only(app, db, ann, admin):
    case_id = make_case(db, "p-log", "high")
    ann.get(f"/dashboard/cases/{case_id}")
    page = admin.get(f"/dashboard/admin/audit?case={case_id}")
    assert "case_viewed" in page.text and "ann@example.org" in page.text
    # There is no route that changes it, and the database itself refuses.
    assert admin.post("/dashboard/admin/audit").status_code == 405
    with pytest.raises(Exception, match="append-only"):
        with db.session() as session:
            session.execute(text("UPDATE audit_log SET actor = 'someone else'"))
    with pytest.raises(Exception, match="append-only"):
        with db.session() as session:
            session.execute(text("DELETE FROM audit_log"))


def test_deactivated_mentor_is_signed_out(app, db, ann, admin):
    with db.session() as session:
        from bot.storage.models import Mentor

        ann_id = session.scalars(select(Mentor.id).where(Mentor.email == "ann@example.org")).one()
    assert admin.post(f"/dashboard/admin/mentors/{ann_id}/active", {"active": "no"}).status_code == 303
    assert ann.get("/dashboard/queue").status_code == 303
    assert ann.login("ann@example.org").status_code == 401


def test_pages_send_protective_headers(app, ann):
    response = ann.get("/dashboard/queue")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert not re.search(r'(src|href)="(https?:)?//', response.text)  # no CDNs
