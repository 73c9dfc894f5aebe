"""Self-help groups: permission boundaries, join / leave / rotate-code flows, the group map threshold,
and crisis content never reaching the group page."""
from __future__ import annotations

from anon_ids import sid
from groups_helpers import completed_checkin, group_code, join, open_group, settle_memberships

from bot.storage.models import GroupSharedItem, Message

# ------------------------------------------------------------------------------------ accounts and roles

def _register(app, email, name="New"):
    from dashboard_helpers import PASSWORD, Browser, csrf_of

    browser = Browser(app)
    form = browser.get("/dashboard/groups/register")
    assert form.status_code == 200
    return browser, browser.post("/dashboard/groups/register", {
        "email": email, "display_name": name, "password": PASSWORD, "password_again": PASSWORD,
        "csrf_token": csrf_of(form.text)}, csrf=False)


def test_a_registered_facilitator_signs_in_only_after_an_admin_approves(app, db):
    from bot.mentoring import accounts

    browser, response = _register(app, "new@example.org")
    assert response.status_code == 202 and "administrator" in response.text
    assert browser.login("new@example.org").status_code != 303  # nobody checked this address yet
    with db.session() as session:
        accounts.set_active(session, accounts.find_mentor(session, "new@example.org"), True)  # the admin approves
    assert browser.login("new@example.org").headers["location"].endswith("/dashboard/groups")
    assert browser.get("/dashboard/groups").status_code == 200


def test_registration_does_not_tell_which_emails_have_accounts(app, db):
    from dashboard_helpers import make_account

    make_account(db, "ann@example.org", "mentor", "Ann")
    _, existing = _register(app, "ann@example.org", "Someone")
    _, fresh = _register(app, "nobody-yet@example.org", "Someone")
    assert existing.status_code == fresh.status_code == 202
    assert existing.text == fresh.text
    from bot.mentoring import accounts

    with db.session() as session:
        assert accounts.find_mentor(session, "ann@example.org").role == "mentor"  # untouched


def test_raising_a_role_needs_a_fresh_password_and_ends_sessions(app, db):
    from dashboard_helpers import PASSWORD, Browser, make_account

    from bot.mentoring import accounts
    from bot.storage.models import Mentor

    make_account(db, "root@example.org", "admin", "Root")
    make_account(db, "fac@example.org", "facilitator", "Fac")
    fac = Browser(app)
    assert fac.login("fac@example.org").status_code == 303
    admin = Browser(app)
    admin.login("root@example.org")
    with db.session() as session:
        fac_id = accounts.find_mentor(session, "fac@example.org").id
    page = admin.post(f"/dashboard/admin/mentors/{fac_id}/role", {"role": "mentor"})
    assert page.status_code == 200 and "/dashboard/invite/" in page.text  # a link to pass on
    assert fac.get("/dashboard/queue").status_code in (302, 303)  # the old session ended
    assert Browser(app).login("fac@example.org", PASSWORD).status_code != 303  # the old password too
    with db.session() as session:
        assert session.get(Mentor, fac_id).password_hash is None
    # Lowering a role asks for nothing new.
    assert admin.post(f"/dashboard/admin/mentors/{fac_id}/role", {"role": "facilitator"}).status_code == 303


def test_registration_needs_the_form_token(app):
    from dashboard_helpers import PASSWORD, Browser

    browser = Browser(app)
    response = browser.post("/dashboard/groups/register", {
        "email": "x@example.org", "password": PASSWORD, "password_again": PASSWORD}, csrf=False)
    assert response.status_code == 403


def test_facilitator_cannot_see_cases_and_mentor_cannot_see_groups(fay, app, db):
    from dashboard_helpers import Browser, make_account

    assert fay.get("/dashboard/queue").status_code == 403
    assert fay.get("/dashboard/cases/1").status_code == 403
    make_account(db, "ann@example.org", "mentor", "Ann")
    ann = Browser(app)
    ann.login("ann@example.org")
    assert ann.get("/dashboard/groups").status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(app):
    from dashboard_helpers import Browser

    response = Browser(app).get("/dashboard/groups")
    assert response.status_code == 303 and "/dashboard/login" in response.headers["location"]


def test_group_forms_need_csrf(fay):
    assert fay.post("/dashboard/groups", {"name": "x"}, csrf=False).status_code == 403


# ------------------------------------------------------------------------------------ join, leave, rotate

def test_join_with_code_and_unique_nickname(fay, client):
    group_id, code = open_group(fay)
    response = join(client, sid("member-a"), code.lower(), "Ada")
    assert response.status_code == 200 and response.json()["group_id"] == group_id
    assert join(client, sid("member-b"), code, "ada").status_code == 422  # nickname taken
    assert join(client, sid("member-b"), code, "Bea").status_code == 200
    assert join(client, sid("member-c"), "WRONGCODE", "Cy").status_code == 422
    page = fay.get(f"/dashboard/groups/{group_id}").text
    assert "Ada" in page and "Bea" in page


def test_rotating_the_code_stops_the_old_one(fay, client, db):
    group_id, code = open_group(fay)
    assert fay.post(f"/dashboard/groups/{group_id}/rotate").status_code == 303
    new = group_code(db, group_id)
    assert new != code
    assert join(client, sid("member-a"), code, "Ada").status_code == 422
    assert join(client, sid("member-a"), new, "Ada").status_code == 200


def test_closed_group_cannot_be_joined(fay, client):
    group_id, code = open_group(fay)
    assert fay.post(f"/dashboard/groups/{group_id}/close", {"confirm": "yes"}).status_code == 303
    assert join(client, sid("member-a"), code, "Ada").status_code == 422


def test_leave_withdrawing_removes_shared_items(fay, client):
    group_id, code = open_group(fay)
    join(client, sid("member-a"), code, "Ada")
    assert client.post(f"/api/groups/{sid('member-a')}/{group_id}/share", json={"text": "I walked today"}).json()["shared"]
    assert client.post(f"/api/groups/{sid('member-a')}/{group_id}/leave", json={"keep_shared": False}).status_code == 200
    page = fay.get(f"/dashboard/groups/{group_id}").text
    assert "I walked today" not in page
    assert client.get(f"/api/groups/{sid('member-a')}/{group_id}").status_code == 403


def test_leave_keeping_items_anonymously(fay, client):
    group_id, code = open_group(fay)
    join(client, sid("member-a"), code, "Ada")
    join(client, sid("member-b"), code, "Bea")
    client.post(f"/api/groups/{sid('member-a')}/{group_id}/share", json={"text": "I called my sister"})
    client.post(f"/api/groups/{sid('member-a')}/{group_id}/leave", json={"keep_shared": True})
    data = client.get(f"/api/groups/{sid('member-b')}/{group_id}").json()
    assert data["shared"] == [{**data["shared"][0], "nickname": None, "text": "I called my sister"}]
    assert "Ada" not in data["members"]
    page = fay.get(f"/dashboard/groups/{group_id}").text
    assert "I called my sister" in page and "A former member" in page


def test_removed_member_loses_access_and_cannot_rejoin(fay, client, db):
    from bot.storage.models import GroupMembership

    group_id, code = open_group(fay)
    join(client, sid("member-a"), code, "Ada")
    with db.session() as session:
        membership_id = session.query(GroupMembership).filter_by(person_id=sid("member-a")).one().id
    assert fay.post(f"/dashboard/groups/{group_id}/members/{membership_id}/remove").status_code == 303
    assert client.get(f"/api/groups/{sid('member-a')}/{group_id}").status_code == 403
    assert client.post(f"/api/groups/{sid('member-a')}/{group_id}/share", json={"text": "hello"}).status_code == 403
    assert client.get(f"/api/groups/{sid('member-a')}").json() == {"groups": []}
    assert join(client, sid("member-a"), code, "Ada2").status_code == 422


# ------------------------------------------------------------------------------------ boundaries

def test_member_of_group_a_cannot_see_group_b(fay, gus, client):
    a_id, a_code = open_group(fay, "A")
    b_id, b_code = open_group(gus, "B")
    join(client, sid("member-a"), a_code, "Ada")
    join(client, sid("member-b"), b_code, "Bea")
    client.post(f"/api/groups/{sid('member-b')}/{b_id}/share", json={"text": "secret of group B"})
    assert client.get(f"/api/groups/{sid('member-a')}/{b_id}").status_code == 403
    assert client.get(f"/api/groups/{sid('member-a')}/{b_id}/map.png").status_code == 403
    assert client.post(f"/api/groups/{sid('member-a')}/{b_id}/share", json={"text": "x"}).status_code == 403
    assert "secret of group B" not in client.get(f"/api/groups/{sid('member-a')}/{a_id}").text


def test_facilitator_cannot_see_another_facilitators_group(fay, gus):
    b_id, _ = open_group(gus, "B")
    assert fay.get(f"/dashboard/groups/{b_id}").status_code == 403
    assert fay.get(f"/dashboard/groups/{b_id}/prepare").status_code == 403
    assert fay.get(f"/dashboard/groups/{b_id}/map.png").status_code == 403
    assert fay.post(f"/dashboard/groups/{b_id}/rotate").status_code == 403
    assert "B" not in [line for line in fay.get("/dashboard/groups").text.splitlines() if "/dashboard/groups/" in line]


def test_facilitator_sees_no_unshared_reflections_or_checkins(fay, client, db):
    group_id, code = open_group(fay)
    join(client, sid("member-a"), code, "Ada")
    completed_checkin(db, sid("member-a"), 7, 3, reflection="private check-in words")
    client.post("/webhooks/rest/webhook", json={"sender": sid("member-a"), "message": "my private chat words",
                                                "metadata": {"language": "en"}})
    for path in (f"/dashboard/groups/{group_id}", f"/dashboard/groups/{group_id}/prepare"):
        page = fay.get(path).text
        assert "private check-in words" not in page and "my private chat words" not in page
        assert "3 more needed" in page
    assert fay.get(f"/dashboard/groups/{group_id}/map.png").status_code == 404


# ------------------------------------------------------------------------------------ the group map

def test_map_needs_three_sharers(fay, client, db):
    group_id, code = open_group(fay)
    for index, sender in enumerate((sid("member-a"), sid("member-b"), sid("member-c"))):
        join(client, sender, code, f"M{index}")
        completed_checkin(db, sender, 2 + index * 3, 5)
    assert client.post(f"/api/groups/{sid('member-a')}/{group_id}/checkin", json={"share": True}).status_code == 200
    assert client.post(f"/api/groups/{sid('member-b')}/{group_id}/checkin", json={"share": True}).status_code == 200
    data = client.get(f"/api/groups/{sid('member-a')}/{group_id}").json()
    assert data["map"] | {"alt": "", "resting_until": None} == {"sharers": 2, "needed": 1, "shown": False, "alt": "",
                                                              "resting_until": None}
    assert client.get(f"/api/groups/{sid('member-a')}/{group_id}/map.png").status_code == 404
    assert "1 more needed" in fay.get(f"/dashboard/groups/{group_id}").text
    client.post(f"/api/groups/{sid('member-c')}/{group_id}/checkin", json={"share": True})
    settle_memberships(db, group_id)
    data = client.get(f"/api/groups/{sid('member-a')}/{group_id}").json()
    assert (data["map"]["sharers"], data["map"]["needed"], data["map"]["shown"]) == (3, 0, True)
    assert "Body" in data["map"]["alt"]  # the picture's text alternative comes with the page data
    png = client.get(f"/api/groups/{sid('member-a')}/{group_id}/map.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert fay.get(f"/dashboard/groups/{group_id}/map.png").status_code == 200
    # A member who stops sharing takes their check-in out again.
    client.post(f"/api/groups/{sid('member-c')}/{group_id}/checkin", json={"share": False})
    assert client.get(f"/api/groups/{sid('member-a')}/{group_id}").json()["map"]["shown"] is False


def test_the_map_rests_a_week_after_someone_joins_or_leaves(fay, client, db):
    # Otherwise a facilitator compares the map before and after removing someone and has their numbers.
    group_id, code = open_group(fay)
    for index, name in enumerate(("rest-a", "rest-b", "rest-c", "rest-d")):
        join(client, sid(name), code, f"R{index}")
        completed_checkin(db, sid(name), 2 + index * 2, 5)
        client.post(f"/api/groups/{sid(name)}/{group_id}/checkin", json={"share": True})
    data = client.get(f"/api/groups/{sid('rest-a')}/{group_id}").json()["map"]
    assert data["shown"] is False and data["needed"] == 0 and data["resting_until"]
    assert "rests for a week" in fay.get(f"/dashboard/groups/{group_id}").text
    assert fay.get(f"/dashboard/groups/{group_id}/map.png").status_code == 404
    settle_memberships(db, group_id)
    assert client.get(f"/api/groups/{sid('rest-a')}/{group_id}").json()["map"]["shown"] is True
    client.post(f"/api/groups/{sid('rest-d')}/{group_id}/leave", json={"keep_shared": False})
    after = client.get(f"/api/groups/{sid('rest-a')}/{group_id}").json()["map"]
    assert after["shown"] is False and after["resting_until"]
    assert client.get(f"/api/groups/{sid('rest-a')}/{group_id}/map.png").status_code == 404


def test_a_side_of_life_fewer_than_three_answered_is_left_off_the_map():
    from bot.groups.rules import average
    from bot.wellbeing.model import CheckIn, DimensionAnswer

    full = {d: DimensionAnswer(dimension=d, investment=5, fulfilment=5) for d in ("physical", "social")}
    skipped = {"physical": DimensionAnswer(dimension="physical", investment=5, fulfilment=5)}
    # Two members skipped "social": the third one's exact numbers must not appear as the group's.
    mean = average([CheckIn(answers=full), CheckIn(answers=skipped), CheckIn(answers=skipped)])
    assert mean.answer("physical").investment == 5
    assert mean.answer("social") is None


def test_sharing_a_checkin_needs_one(fay, client):
    group_id, code = open_group(fay)
    join(client, sid("member-a"), code, "Ada")
    assert client.post(f"/api/groups/{sid('member-a')}/{group_id}/checkin", json={"share": True}).status_code == 422


def test_average_of_checkins():
    from bot.groups.rules import average
    from bot.wellbeing.model import CheckIn, DimensionAnswer

    items = [CheckIn(answers={"physical": DimensionAnswer(dimension="physical", investment=i, fulfilment=10 - i)})
             for i in (2, 4, 9)]
    mean = average(items)
    assert mean.answer("physical").investment == 5 and mean.answer("physical").fulfilment == 5
    assert mean.answer("social") is None


# ------------------------------------------------------------------------------------ crisis

def test_crisis_reflection_is_never_shared(fay, client, db):
    group_id, code = open_group(fay)
    join(client, sid("member-a"), code, "Ada")
    response = client.post(f"/api/groups/{sid('member-a')}/{group_id}/share", json={"text": "I want to die tonight"})
    assert response.status_code == 200
    body = response.json()
    assert body["shared"] is False and body["crisis"] is True and body["replies"]
    with db.session() as session:
        assert session.query(GroupSharedItem).count() == 0
        assert session.query(Message).filter_by(person_id=sid("member-a"), text="I want to die tonight").count() == 1
    assert "want to die" not in client.get(f"/api/groups/{sid('member-a')}/{group_id}").text
    assert "want to die" not in fay.get(f"/dashboard/groups/{group_id}").text
    assert "want to die" not in fay.get(f"/dashboard/groups/{group_id}/prepare").text


# ------------------------------------------------------------------------------------ theme and preparation

def test_theme_is_offered_once(fay, client):
    group_id, code = open_group(fay)
    join(client, sid("member-a"), code, "Ada")
    assert fay.post(f"/dashboard/groups/{group_id}/theme",
                    {"kind": "question", "question": "What gave you energy this week?"}).status_code == 303
    first = client.get(f"/api/groups/{sid('member-a')}").json()["groups"][0]["new_theme"]
    assert first["kind"] == "question" and first["label"] == "What gave you energy this week?"
    assert client.get(f"/api/groups/{sid('member-a')}").json()["groups"][0]["new_theme"] is None
    assert fay.post(f"/dashboard/groups/{group_id}/theme", {"kind": "dimension", "dimension": "nowhere"}).status_code == 422
    assert fay.post(f"/dashboard/groups/{group_id}/theme", {"kind": "dimension", "dimension": "social"}).status_code == 303
    assert client.get(f"/api/groups/{sid('member-a')}").json()["groups"][0]["new_theme"]["value"] == "social"


def test_exercise_theme_and_meeting_preparation(fay, client):
    from bot.exercises import library

    group_id, code = open_group(fay)
    exercise_id = library.ids()[0]
    assert fay.post(f"/dashboard/groups/{group_id}/theme", {"kind": "exercise", "exercise": exercise_id}).status_code == 303
    join(client, sid("member-a"), code, "Ada")
    join(client, sid("member-b"), code, "Bea")
    client.post(f"/api/groups/{sid('member-a')}/{group_id}/share", json={"text": "The exercise helped me breathe"})
    page = fay.get(f"/dashboard/groups/{group_id}/prepare")
    assert page.status_code == 200
    assert "The exercise helped me breathe" in page.text and "Ada" in page.text
    assert "Members: 2" in page.text and "Members who shared a reflection: 1" in page.text
    assert library.exercise(exercise_id, "en").title in page.text
    assert "groups.css" in page.text


# ------------------------------------------------------------------------------------ chat page

def test_chat_page_offers_join_form_in_both_languages(client):
    for lang, label in (("en", "Join a self-help group"), ("nl", "Word lid van een zelfhulpgroep")):
        page = client.get(f"/?lang={lang}")
        assert page.status_code == 200
        assert 'id="group-join"' in page.text and label in page.text and "groups.css" in page.text
