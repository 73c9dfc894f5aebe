"""The member side over HTTP: private reflections, sharing later and taking back, closed groups,
errors in the member's language, the group page, and a member's own data (export, delete)."""
from __future__ import annotations

from anon_ids import sid
from groups_helpers import completed_checkin, join, open_group

from bot.storage.models import Case, GroupReflection, GroupSharedItem


def reflect(client, sender, group_id, text, share=False, lang=None):
    suffix = f"?lang={lang}" if lang else ""
    return client.post(f"/api/groups/{sender}/{group_id}/reflections{suffix}", json={"text": text, "share": share})


def test_a_private_reflection_is_seen_by_its_writer_only(fay, client):
    group_id, code = open_group(fay)
    join(client, sid("member-a"), code, "Ada")
    join(client, sid("member-b"), code, "Bea")
    kept = reflect(client, sid("member-a"), group_id, "I slept badly all week")
    assert kept.status_code == 200 and kept.json() == {**kept.json(), "shared": False, "kept": True}
    mine = client.get(f"/api/groups/{sid('member-a')}/{group_id}").json()
    assert [r["text"] for r in mine["mine"]] == ["I slept badly all week"] and mine["shared"] == []
    assert "slept badly" not in client.get(f"/api/groups/{sid('member-b')}/{group_id}").text
    assert "slept badly" not in fay.get(f"/dashboard/groups/{group_id}").text
    assert "slept badly" not in fay.get(f"/dashboard/groups/{group_id}/prepare").text


def test_share_later_then_take_back(fay, client):
    group_id, code = open_group(fay)
    join(client, sid("member-a"), code, "Ada")
    join(client, sid("member-b"), code, "Bea")
    reflection_id = reflect(client, sid("member-a"), group_id, "A walk by the river helped").json()["reflection_id"]
    shared = client.post(f"/api/groups/{sid('member-a')}/{group_id}/reflections/{reflection_id}/share")
    assert shared.status_code == 200 and shared.json()["shared"] is True
    seen = client.get(f"/api/groups/{sid('member-b')}/{group_id}").json()["shared"]
    assert [(s["nickname"], s["text"], s["mine"]) for s in seen] == [("Ada", "A walk by the river helped", False)]
    assert "A walk by the river helped" in fay.get(f"/dashboard/groups/{group_id}").text
    item_id = shared.json()["item_id"]
    # Another member cannot take it back, nor share someone else's reflection.
    assert client.post(f"/api/groups/{sid('member-b')}/{group_id}/shared/{item_id}/withdraw").status_code == 422
    assert client.post(f"/api/groups/{sid('member-b')}/{group_id}/reflections/{reflection_id}/share").status_code == 422
    assert client.post(f"/api/groups/{sid('member-a')}/{group_id}/shared/{item_id}/withdraw").status_code == 200
    assert client.get(f"/api/groups/{sid('member-b')}/{group_id}").json()["shared"] == []
    assert "river" not in fay.get(f"/dashboard/groups/{group_id}").text
    mine = client.get(f"/api/groups/{sid('member-a')}/{group_id}").json()["mine"]
    assert [(r["text"], r["shared"]) for r in mine] == [("A walk by the river helped", False)]


def test_sharing_at_once_marks_it_as_mine(fay, client):
    group_id, code = open_group(fay)
    join(client, sid("member-a"), code, "Ada")
    assert reflect(client, sid("member-a"), group_id, "Grateful for my neighbour", share=True).json()["shared"] is True
    page = client.get(f"/api/groups/{sid('member-a')}/{group_id}").json()
    assert page["shared"][0]["mine"] is True and page["mine"][0]["shared"] is True


def test_a_private_reflection_with_crisis_signals_is_handled_as_a_crisis(fay, client, db):
    group_id, code = open_group(fay)
    join(client, sid("member-a"), code, "Ada")
    answer = reflect(client, sid("member-a"), group_id, "ik zie het niet meer zitten", lang="nl")
    assert answer.status_code == 200
    body = answer.json()
    assert body["crisis"] is True and body["kept"] is False and body["replies"]
    assert any("113" in (reply.get("text") or "") or reply.get("custom", {}).get("crisis") for reply in body["replies"])
    with db.session() as session:
        assert session.query(GroupReflection).count() == 0 and session.query(GroupSharedItem).count() == 0
        assert session.query(Case).filter_by(person_id=sid("member-a")).count() == 1


def test_errors_come_in_the_members_language(fay, client):
    group_id, code = open_group(fay)
    wrong = client.post(f"/api/groups/{sid('member-a')}/join", json={"code": "NOPE", "nickname": "Ada", "language": "nl"})
    error = wrong.json()["error"]
    assert wrong.status_code == 422 and error["code"] == "cannot_join"
    assert error["message"] == error["message_nl"] and "code" in error["message_nl"] and error["message_en"]
    assert error["message_nl"] != error["message_en"]
    outsider = client.get(f"/api/groups/{sid('member-z')}/{group_id}?lang=nl")
    assert outsider.status_code == 403 and outsider.json()["error"]["message"] == "Je bent geen lid van deze groep."
    join(client, sid("member-a"), code, "Ada")
    empty = reflect(client, sid("member-a"), group_id, "   ", lang="nl")
    assert empty.status_code == 422 and "tekens" in empty.json()["error"]["message"]


def test_a_closed_group_disappears_for_members_and_stays_for_its_facilitator(fay, client):
    group_id, code = open_group(fay, "Spring group")
    join(client, sid("member-a"), code, "Ada")
    reflect(client, sid("member-a"), group_id, "It was good to be here", share=True)
    unconfirmed = fay.post(f"/dashboard/groups/{group_id}/close")
    assert unconfirmed.status_code == 422 and "Tick the box" in unconfirmed.text
    assert client.get(f"/api/groups/{sid('member-a')}").json()["groups"]  # still open
    closed = fay.post(f"/dashboard/groups/{group_id}/close", {"confirm": "yes"})
    assert closed.headers["location"].endswith("/dashboard/groups?closed=1")
    assert client.get(f"/api/groups/{sid('member-a')}").json() == {"groups": []}
    closed = client.get(f"/api/groups/{sid('member-a')}/{group_id}?lang=en")
    assert closed.status_code == 410 and "closed" in closed.json()["error"]["message"]
    assert reflect(client, sid("member-a"), group_id, "one more").status_code == 410
    listing = fay.get("/dashboard/groups").text
    assert "Closed groups (1)" in listing and "Spring group" in listing
    assert "It was good to be here" in fay.get(f"/dashboard/groups/{group_id}").text


def test_theme_invitation_text_in_the_chat_language(fay, client):
    group_id, code = open_group(fay)
    join(client, sid("member-a"), code, "Ada")
    fay.post(f"/dashboard/groups/{group_id}/theme", {"kind": "dimension", "dimension": "spiritual"})
    invitation = client.get(f"/api/groups/{sid('member-a')}?lang=nl").json()["groups"][0]
    assert invitation["new_theme"]["label"] == "Zingeving"
    assert invitation["invitation"] == "Je groep Tuesday circle heeft een nieuw thema: Zingeving."


def test_deleting_my_data_withdraws_what_i_shared(fay, client, db):
    group_id, code = open_group(fay)
    join(client, sid("member-a"), code, "Ada")
    join(client, sid("member-b"), code, "Bea")
    completed_checkin(db, sid("member-a"), 5, 5)
    client.post(f"/api/groups/{sid('member-a')}/{group_id}/checkin", json={"share": True})
    reflect(client, sid("member-a"), group_id, "Ada's shared words", share=True)
    reflect(client, sid("member-a"), group_id, "Ada's private words")
    exported = client.get(f"/api/me/{sid('member-a')}/export").json()["groups"]
    assert exported[0]["nickname"] == "Ada"
    assert sorted(r["text"] for r in exported[0]["reflections"]) == ["Ada's private words", "Ada's shared words"]
    deleted = client.delete(f"/api/me/{sid('member-a')}").json()
    assert deleted["groups_left"] == 1 and deleted["deleted_group_reflections"] == 2
    page = client.get(f"/api/groups/{sid('member-b')}/{group_id}").json()
    assert page["shared"] == [] and page["members"] == ["Bea"] and page["map"]["sharers"] == 0
    assert "Ada" not in fay.get(f"/dashboard/groups/{group_id}").text
    with db.session() as session:
        assert session.query(GroupReflection).count() == 0


def test_group_page_is_served_in_both_languages(client):
    for lang, title in (("en", "My group"), ("nl", "Mijn groep")):
        page = client.get(f"/groups/7?lang={lang}")
        assert page.status_code == 200 and f"<title data-ui=\"group_page_title\">{title}</title>" in page.text
        assert 'data-group-url="/api/groups/{sender}/7"' in page.text
        assert "page_kit.js" in page.text and "group.js" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/groups/not-a-number").status_code == 422


def test_my_groups_lists_only_current_memberships(fay, client):
    first, code1 = open_group(fay, "First")
    second, code2 = open_group(fay, "Second")
    join(client, sid("member-a"), code1, "Ada")
    join(client, sid("member-a"), code2, "Ada")
    client.post(f"/api/groups/{sid('member-a')}/{first}/leave", json={"keep_shared": False})
    assert [g["name"] for g in client.get(f"/api/groups/{sid('member-a')}").json()["groups"]] == ["Second"]
