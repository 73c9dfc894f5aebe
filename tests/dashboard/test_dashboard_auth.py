"""Signing in and out: argon2 hashes, cookies, CSRF, rate limiting, session expiry, invitations, TOTP,
and that nothing in the dashboard works without signing in."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pyotp
import pytest
from dashboard_helpers import PASSWORD, Browser, csrf_of, make_account, make_case
from sqlalchemy import select

from api.dashboard.security import SESSION_COOKIE
from bot.storage.models import AuditEntry, LoginAttempt, Mentor, MentorSession, utcnow

PROTECTED_GETS = [
    "/dashboard", "/dashboard/queue", "/dashboard/cases/1", "/dashboard/my-load", "/dashboard/account",
    "/dashboard/debrief/1", "/dashboard/admin/mentors", "/dashboard/admin/settings", "/dashboard/admin/audit",
    "/dashboard/admin/care", "/dashboard/admin/directory", "/dashboard/admin/directory/helpline/zelfmoordlijn-1813",
]
PROTECTED_POSTS = [
    "/dashboard/logout", "/dashboard/cases/1/claim", "/dashboard/cases/1/release", "/dashboard/cases/1/notes",
    "/dashboard/cases/1/messages", "/dashboard/cases/1/entries", "/dashboard/cases/1/handback",
    "/dashboard/cases/1/close", "/dashboard/debrief/1", "/dashboard/account/password", "/dashboard/admin/mentors",
    "/dashboard/admin/settings", "/dashboard/admin/directory/helpline/zelfmoordlijn-1813",
]


def audit_actions(db) -> list[str]:
    with db.session() as session:
        return [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


@pytest.mark.parametrize("path", PROTECTED_GETS)
def test_anonymous_visitors_are_sent_to_the_sign_in_page(app, path):
    response = Browser(app).get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/dashboard/login?next=")


@pytest.mark.parametrize("path", PROTECTED_POSTS)
def test_no_action_works_without_signing_in(app, db, path):
    make_case(db, "p-anon")
    response = Browser(app).post(path, {"text": "x", "outcome": "other", "note": "x"}, csrf=False)
    assert response.status_code == 401
    assert case_untouched(db)


def case_untouched(db) -> bool:
    with db.session() as session:
        from bot.storage.models import Case

        case = session.get(Case, 1)
        return case.status == "open" and case.claimed_by is None


def test_json_endpoints_answer_401_not_a_redirect(app):
    browser = Browser(app)
    assert browser.get("/dashboard/queue.json").status_code == 401
    assert browser.get("/dashboard/cases/1/live.json").status_code == 401


def test_password_is_stored_as_an_argon2_hash(db):
    make_account(db, "hash@example.org")
    with db.session() as session:
        stored = session.scalars(select(Mentor.password_hash)).one()
    assert stored.startswith("$argon2") and PASSWORD not in stored


def test_sign_in_sets_a_safe_session_cookie(app, db):
    make_account(db, "ann@example.org")
    browser = Browser(app)
    response = browser.login("ann@example.org")
    assert response.status_code == 303 and response.headers["location"] == "/dashboard/queue"
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and SESSION_COOKIE in v)
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=lax" in lowered and "path=/dashboard" in lowered
    assert "secure" not in lowered  # plain http in tests; see the next test
    assert browser.get("/dashboard/queue").status_code == 200
    assert "login" in audit_actions(db)


@pytest.mark.parametrize("mode", ["auto", "always"])
def test_cookie_is_secure_over_https_or_when_configured(app, db, mode):
    app.state.dashboard = replace(app.state.dashboard, cookie_secure=mode)
    make_account(db, "ann@example.org")
    response = Browser(app, base_url="https://testserver").login("ann@example.org")
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and SESSION_COOKIE in v)
    assert "secure" in cookie.lower()


def test_wrong_password_is_refused_with_a_clear_message(app, db):
    make_account(db, "ann@example.org")
    browser = Browser(app)
    response = browser.login("ann@example.org", "not the password at all")
    assert response.status_code == 401
    assert "not right" in response.text
    assert SESSION_COOKIE not in browser.http.cookies
    assert browser.get("/dashboard/queue").status_code == 303
    unknown = browser.login("nobody@example.org", PASSWORD)
    assert unknown.status_code == 401 and "not right" in unknown.text  # same answer: no account probing
    assert audit_actions(db).count("login_failed") == 2


def test_sign_in_is_rate_limited_per_address_and_email(app, db):
    make_account(db, "ann@example.org")
    make_account(db, "bo@example.org")
    browser = Browser(app)
    for _ in range(5):
        assert browser.login("ann@example.org", "wrong password, again").status_code == 401
    blocked = browser.login("ann@example.org")  # even the right password waits
    assert blocked.status_code == 429
    assert "wait a minute" in blocked.text
    assert "login_rate_limited" in audit_actions(db)
    assert browser.login("bo@example.org").status_code == 303  # another account from the same place
    # A minute later the account can sign in again.
    with db.session() as session:
        for attempt in session.scalars(select(LoginAttempt)):
            attempt.created_at = utcnow() - timedelta(minutes=2)
    assert Browser(app).login("ann@example.org").status_code == 303


def test_the_attempts_table_holds_no_emails_or_addresses(app, db):
    make_account(db, "ann@example.org")
    Browser(app).login("ann@example.org", "wrong password here")
    with db.session() as session:
        attempt = session.scalars(select(LoginAttempt)).one()
    assert "ann" not in attempt.key and "testclient" not in attempt.address_key


def test_session_expires_after_idle_time(app, db, ann):
    with db.session() as session:
        row = session.scalars(select(MentorSession)).one()
        row.last_seen_at = utcnow() - timedelta(hours=8, minutes=1)
    response = ann.get("/dashboard/queue")
    assert response.status_code == 303
    assert "expired=1" in response.headers["location"]
    page = ann.get(response.headers["location"])
    assert "session expired" in page.text
    with db.session() as session:
        assert session.scalars(select(MentorSession)).one().ended_at is not None


def test_session_has_an_absolute_limit_too(app, db, ann):
    with db.session() as session:
        row = session.scalars(select(MentorSession)).one()
        row.created_at = utcnow() - timedelta(hours=25)
    assert "expired=1" in ann.get("/dashboard/queue").headers["location"]


def test_polling_does_not_keep_a_session_alive(app, db, ann):
    long_ago = utcnow() - timedelta(hours=1)
    with db.session() as session:
        session.scalars(select(MentorSession)).one().last_seen_at = long_ago
    assert ann.get("/dashboard/queue.json").status_code == 200
    with db.session() as session:
        seen = session.scalars(select(MentorSession)).one().last_seen_at
    assert abs((seen.replace(tzinfo=None) - long_ago.replace(tzinfo=None)).total_seconds()) < 1


def test_post_without_csrf_token_is_refused(app, db, ann):
    case_id = make_case(db, "p-csrf")
    missing = ann.post(f"/dashboard/cases/{case_id}/claim", csrf=False)
    assert missing.status_code == 403
    assert "security token" in missing.text
    wrong = ann.post(f"/dashboard/cases/{case_id}/claim", {"csrf_token": "forged"})
    assert wrong.status_code == 403
    assert case_untouched(db)
    assert ann.post(f"/dashboard/cases/{case_id}/claim").status_code == 303


def test_csrf_token_of_one_session_does_not_work_in_another(app, db, ann, bo):
    case_id = make_case(db, "p-csrf2")
    assert bo.post(f"/dashboard/cases/{case_id}/claim", {"csrf_token": ann.csrf}).status_code == 403


def test_login_form_needs_its_csrf_token(app, db):
    make_account(db, "ann@example.org")
    browser = Browser(app)
    browser.get("/dashboard/login")
    response = browser.http.post("/dashboard/login", data={"email": "ann@example.org", "password": PASSWORD})
    assert response.status_code == 403
    assert SESSION_COOKIE not in browser.http.cookies


def test_logout_ends_the_session(app, db, ann):
    cookie = ann.http.cookies.get(SESSION_COOKIE)
    assert ann.post("/dashboard/logout").status_code == 303
    assert ann.get("/dashboard/queue").status_code == 303
    # Even a copy of the old cookie no longer works.
    thief = Browser(app)
    thief.http.cookies.set(SESSION_COOKIE, cookie, path="/dashboard")
    assert thief.get("/dashboard/queue").status_code == 303
    assert "logout" in audit_actions(db)


def test_open_redirects_are_not_possible(app, db):
    make_account(db, "ann@example.org")
    browser = Browser(app)
    page = browser.get("/dashboard/login")
    response = browser.http.post("/dashboard/login", data={
        "email": "ann@example.org", "password": PASSWORD, "csrf_token": csrf_of(page.text),
        "next": "//evil.example.org/"})
    assert response.headers["location"] == "/dashboard/queue"


def test_invited_mentor_sets_their_own_password(app, db, admin):
    response = admin.post("/dashboard/admin/mentors", {"email": "New@Example.org", "display_name": "Noor",
                                                       "role": "mentor"})
    assert response.status_code == 200
    link = response.text.split('id="invite-link">')[1].split("<")[0]
    path = link[link.index("/dashboard/invite/"):]
    newcomer = Browser(app)
    page = newcomer.get(path)
    assert page.status_code == 200 and "new@example.org" in page.text
    token = csrf_of(page.text)
    mismatch = newcomer.post(path, {"password": "a long enough passphrase", "password_again": "something else",
                                    "csrf_token": token})
    assert mismatch.status_code == 422
    weak = newcomer.post(path, {"password": "short", "password_again": "short", "csrf_token": token})
    assert weak.status_code == 422 and "at least" in weak.text
    done = newcomer.post(path, {"password": "a long enough passphrase", "password_again": "a long enough passphrase",
                                "csrf_token": token})
    assert done.status_code == 303
    assert newcomer.login("new@example.org", "a long enough passphrase").status_code == 303
    again = Browser(app).get(path)
    assert again.status_code == 400 and "already used" in again.text
    assert {"mentor_invited", "password_set_from_link"} <= set(audit_actions(db))


def test_tampered_invitation_link_is_refused(app):
    assert Browser(app).get("/dashboard/invite/not-a-real-token").status_code == 400


def test_totp_second_factor(app, db, ann):
    assert ann.post("/dashboard/account/totp/start").status_code == 303
    with db.session() as session:
        secret = session.scalars(select(Mentor).where(Mentor.email == "ann@example.org")).one().totp_secret
    totp = pyotp.TOTP(secret)
    assert ann.post("/dashboard/account/totp/confirm", {"code": "000000" if totp.now() != "000000" else "111111"}
                    ).status_code == 422
    assert ann.post("/dashboard/account/totp/confirm", {"code": totp.now()}).status_code == 303
    ann.post("/dashboard/logout")
    assert Browser(app).login("ann@example.org").status_code == 401  # the code is now needed
    # A code is accepted once; the next time step's code signs in.
    later = pyotp.TOTP(secret).at(utcnow() + timedelta(seconds=30))
    assert Browser(app).login("ann@example.org", code=later).status_code == 303
    assert Browser(app).login("ann@example.org", code=later).status_code == 401


def test_turning_the_second_factor_off_needs_a_code_too_not_just_the_password(app, db, ann):
    ann.post("/dashboard/account/totp/start")
    with db.session() as session:
        secret = session.scalars(select(Mentor).where(Mentor.email == "ann@example.org")).one().totp_secret
    totp = pyotp.TOTP(secret)
    assert ann.post("/dashboard/account/totp/confirm", {"code": totp.now()}).status_code == 303
    # Someone who has only the password (a stolen one, say) cannot switch it off.
    assert ann.post("/dashboard/account/totp/disable", {"current": PASSWORD}).status_code == 422
    assert ann.post("/dashboard/account/totp/disable", {"current": "wrong password", "code": totp.at(
        utcnow() + timedelta(seconds=30))}).status_code == 422
    with db.session() as session:
        assert session.scalars(select(Mentor).where(Mentor.email == "ann@example.org")).one().totp_enabled
    assert ann.post("/dashboard/account/totp/disable", {"current": PASSWORD, "code": totp.at(
        utcnow() + timedelta(seconds=30))}).status_code == 303
    with db.session() as session:
        assert not session.scalars(select(Mentor).where(Mentor.email == "ann@example.org")).one().totp_enabled


def test_an_account_locks_after_ten_wrong_tries_in_a_row_even_from_many_addresses(app, db):
    from bot.mentoring import accounts

    make_account(db, "lock@example.org", "mentor", "Lock")
    for _ in range(accounts.LOCK_AFTER_FAILURES):
        with db.session() as session:
            assert accounts.authenticate(session, "lock@example.org", "not the password") is None
    with db.session() as session:
        assert accounts.authenticate(session, "lock@example.org", PASSWORD) is None  # locked: even the right one
        mentor = session.scalars(select(Mentor).where(Mentor.email == "lock@example.org")).one()
        mentor.locked_until = utcnow() - timedelta(seconds=1)  # the wait is over
    with db.session() as session:
        assert accounts.authenticate(session, "lock@example.org", PASSWORD) is not None
        assert session.scalars(select(Mentor).where(Mentor.email == "lock@example.org")).one().failed_logins == 0
