"""People who have been there (issue 14, item 2): peer groups, experts by experience and recovery
colleges, offered on request, after a check-in with little social or spiritual fulfilment, and after
a crisis has calmed down; the crisis reply itself keeps to first help and recovery colleges."""
from __future__ import annotations

import pytest
import yaml

from bot.content import CONTENT_DIR
from bot.safety.directory import load_recovery_centres, recovery_centres_for
from bot.safety.peers import PAYLOAD, peer_support_message
from bot.safety.reply import helplines_message
from bot.storage.conversations import touch_person
from bot.wellbeing.conversation import CheckinConversation


def _places(message):
    return message["custom"]["peers"]["places"]


@pytest.mark.parametrize("country", ["BE", "NL"])
def test_each_country_has_peer_groups_and_a_recovery_college_a_person_can_reach(country):
    places = _places(peer_support_message(country, "nl"))
    kinds = {p["kind"] for p in places}
    assert {"peer", "recovery"} <= kinds
    assert all(p["country"] == country and (p["web"] or p["phone"]) for p in places)


def test_a_dutch_reply_explains_peers_in_dutch_and_names_each_place_with_a_contact():
    message = peer_support_message("BE", "nl")
    text = message["text"]
    assert "ervaringsdeskundigen" in text.lower() and "lotgenotengroep" in text.lower()
    assert "Self-help" not in text and "Website:" in text
    for place in _places(message):
        assert place["name"] in text and (place["web"] or place["phone"]) in text
    # First help (a welfare service) belongs to the crisis reply, not to "people who have been there".
    assert all(p["kind"] != "welfare" for p in _places(message))


def test_an_unknown_country_lists_both_under_their_names():
    text = peer_support_message(None, "en")["text"]
    assert "In Belgium" in text and "In the Netherlands" in text
    assert text.index("In Belgium") < text.index("In the Netherlands")


def test_the_crisis_reply_keeps_to_first_help_and_recovery_colleges():
    crisis = helplines_message("BE", "nl", "elevated")["custom"]["crisis"]
    kinds = {c["kind"] for c in crisis["recovery_centres"]}
    assert kinds and kinds <= {"welfare", "recovery"}


def test_every_place_says_where_its_details_were_seen_and_none_claims_a_check_it_did_not_have():
    for place in load_recovery_centres():
        if place.kind != "welfare":
            assert place.source, place.id
        assert place.last_verified is None, f"{place.id}: details were taken from public pages, not checked with the service"


def test_both_languages_have_the_same_peer_texts():
    en, nl = (yaml.safe_load((CONTENT_DIR / lang / "peers.yml").read_text(encoding="utf-8"))
              for lang in ("en", "nl"))

    def keys(node, prefix=""):
        return {prefix + k for k in node} | {x for k, v in node.items() if isinstance(v, dict)
                                              for x in keys(v, f"{prefix}{k}.")}
    assert keys(en) == keys(nl)


def _check_in(database, person, lang, fulfilment):
    """A check-in that rates every dimension 5 for investment and `fulfilment[dim]` for fulfilment."""
    answers, skip = [], {"en": "skip", "nl": "overslaan"}[lang]
    for dim in ("physical", "social", "psychological", "spiritual"):
        answers += ["5", str(fulfilment[dim]), skip, skip]
    with database.session() as session:
        touch_person(session, person, lang, None)
        CheckinConversation(session, person, lang).begin()
    for text in answers:
        with database.session() as session:
            turn = CheckinConversation(session, person, lang).answer(text)
    assert turn.status == "complete"
    return turn.messages[-1]


@pytest.mark.parametrize("lang,low,area", [("en", "social", "your relationships"), ("nl", "spiritual", "je zingeving")])
def test_a_check_in_with_little_fulfilment_in_bonds_or_meaning_offers_people_who_have_been_there(database, lang, low, area):
    fulfilment = {"physical": 7, "social": 7, "psychological": 7, "spiritual": 7, low: 2}
    offer = _check_in(database, f"peer-{lang}", lang, fulfilment)
    assert PAYLOAD in [b["payload"] for b in offer["buttons"]]
    assert area in offer["text"]


def test_a_check_in_where_bonds_and_meaning_give_enough_back_does_not(database):
    fulfilment = {"physical": 2, "social": 6, "psychological": 2, "spiritual": 6}
    offer = _check_in(database, "peer-none", "en", fulfilment)
    assert PAYLOAD not in [b["payload"] for b in offer["buttons"]]


def test_the_operator_can_still_load_a_directory_written_before_places_had_kinds(tmp_path):
    data = yaml.safe_load((CONTENT_DIR / "recovery_centres.yml").read_text(encoding="utf-8"))
    for entry in data["recovery_centres"]:
        entry.pop("kind"), entry.pop("source")
    path = tmp_path / "old.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    old = load_recovery_centres(path)
    assert {c.kind for c in old} == {"recovery"}
    assert recovery_centres_for("BE", "nl", centres=old)
