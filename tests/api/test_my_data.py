"""A visitor's own check-ins: list, pictures, downloads and deletion; nobody else's."""
from __future__ import annotations

import csv
import io

from anon_ids import sid

from bot import privacy
from bot.storage.conversations import touch_person
from bot.wellbeing.conversation import CheckinConversation

ANSWERS = ["9", "3", "skip", "skip", "1", "2", "skip", "skip", "2", "5", "skip", "skip", "1", "5", "skip", "skip"]


def _checkin(client, person=sid("me-1"), lang="en"):
    db = client.app.state.db
    with db.session() as session:
        touch_person(session, person, lang, None)
        turn = CheckinConversation(session, person, lang).begin()
    for text in ANSWERS:
        with db.session() as session:
            turn = CheckinConversation(session, person, lang).answer(text)
    return next(m["image"] for m in turn.messages if m.get("image"))


def test_radar_picture_from_the_chat_link(client):
    url = _checkin(client)
    response = client.get(url)
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get("/charts/checkin/not-a-real-id/radar.png").status_code == 404


def test_my_checkins_list_newest_first_with_summary_and_alt_text(client):
    _checkin(client)
    _checkin(client)
    body = client.get(f"/api/me/{sid('me-1')}/checkins").json()
    assert len(body["checkins"]) == 2
    newest = body["checkins"][0]
    assert newest["completed_at"] >= body["checkins"][1]["completed_at"]
    assert "Body: time and energy 9" in newest["radar_alt"]
    dutch = client.get(f"/api/me/{sid('me-1')}/checkins?lang=nl").json()["checkins"][0]
    assert "Lichaam" in dutch["radar_alt"]
    assert any("for a while" in sentence for sentence in newest["summary"])


def test_trend_needs_two_checkins(client):
    _checkin(client)
    assert client.get(f"/api/me/{sid('me-1')}/trend.png").status_code == 404
    _checkin(client)
    response = client.get(f"/api/me/{sid('me-1')}/trend.png?series=fulfilment")
    assert response.status_code == 200 and response.content[:4] == b"\x89PNG"
    assert "Body" in response.headers["x-alt-text"]


def test_downloads_in_csv_and_json(client):
    _checkin(client)
    rows = list(csv.DictReader(io.StringIO(client.get(f"/api/me/{sid('me-1')}/checkins.csv").text)))
    assert [r["dimension"] for r in rows] == ["physical", "social", "psychological", "spiritual"]
    assert rows[0]["investment"] == "9" and rows[0]["fulfilment"] == "3"
    download = client.get(f"/api/me/{sid('me-1')}/checkins.json")
    assert "attachment" in download.headers["content-disposition"]
    assert download.json()["checkins"][0]["answers"]["physical"]["investment"] == 9


def test_delete_my_checkins(client):
    url = _checkin(client)
    assert client.delete(f"/api/me/{sid('me-1')}/checkins").json() == {"deleted_checkins": 1}
    assert client.get(f"/api/me/{sid('me-1')}/checkins").json()["checkins"] == []
    assert client.get(url).status_code == 404


def test_export_and_delete_everything(client, fake_rasa):
    client.post("/webhooks/rest/webhook", json={"sender": sid("me-2"), "message": "hello", "metadata": {"language": "en"}})
    _checkin(client, person=sid("me-2"))
    export = client.get(f"/api/me/{sid('me-2')}/export").json()
    assert [m["text"] for m in export["messages"]][:2] == ["hello", "echo: hello"]
    assert len(export["checkins"]) == 1
    result = client.delete(f"/api/me/{sid('me-2')}").json()
    assert result["deleted_messages"] == 2 and result["deleted_checkins"] == 1
    assert result["id_kept_for_a_crisis_case"] is False
    assert client.get(f"/api/conversations/{sid('me-2')}/messages").json() == {"messages": []}
    with client.app.state.db.session() as session:
        assert not any(privacy.data_left(session, sid("me-2"), client.app.state.tracker).values())


def test_delete_everything_keeps_a_crisis_case_for_the_mentors(client, fake_rasa, mentor_api):
    mentor_headers = mentor_api()
    client.post("/webhooks/rest/webhook", json={"sender": sid("me-3"), "message": "i want to die",
                                                "metadata": {"language": "en"}})
    result = client.delete(f"/api/me/{sid('me-3')}").json()
    assert result["id_kept_for_a_crisis_case"] is True
    cases = client.get("/mentor/api/cases", headers=mentor_headers).json()["cases"]
    detail = client.get(f"/mentor/api/cases/{cases[0]['id']}",
                        headers=mentor_headers).json()
    assert detail["triggers"][0]["text"] == "i want to die"
    assert detail["transcript"] == []


def test_someone_elses_data_is_not_reachable_by_guessing(client):
    _checkin(client, person=sid("alice"))
    other = client.get(f"/api/me/{sid('bob')}/checkins")
    assert other.status_code == 200 and other.json()["checkins"] == []  # same answer as an empty id
    assert client.get("/api/me/alice/checkins").status_code == 422
    assert client.get(f"/api/me/../{sid('alice')}/checkins").status_code == 404


def test_lifeline_picture_export_and_delete(client):
    from bot.exercises.runner import ExerciseConversation

    db = client.app.state.db
    with db.session() as session:
        touch_person(session, sid("ll-1"), "en", None)
        ExerciseConversation(session, sid("ll-1"), "en").begin("lifeline")
    for text in ("when I was 12 we moved, that was hard, -3", "at 18 I left home +4", "2015: my father died -5"):
        with db.session() as session:
            ExerciseConversation(session, sid("ll-1"), "en").answer(text)
    mine = client.get(f"/api/me/{sid('ll-1')}/lifeline").json()
    assert len(mine["points"]) == 3 and "we moved" in mine["alt"]
    picture = client.get(mine["picture_url"])
    assert picture.status_code == 200 and picture.content[:4] == b"\x89PNG"
    assert len(client.get(f"/api/me/{sid('ll-1')}/export").json()["lifeline"]["points"]) == 3
    client.delete(f"/api/me/{sid('ll-1')}")
    assert client.get(mine["picture_url"]).status_code == 404
