"""Several dialogue engines behind the gateway: a conversation keeps its home engine, and a turn an
engine could not have handled goes to the next one, exactly once."""
from __future__ import annotations

import asyncio

import httpx
import pytest

from api.rasa_client import EngineUnavailable, RasaClient

ENGINES = ["http://engine-a:5005", "http://engine-b:5005"]


class Engines:
    """Two engines as an httpx transport: each one up, refusing, hanging or failing."""

    def __init__(self) -> None:
        self.mode = {url: "up" for url in ENGINES}
        self.turns: list[tuple[str, str]] = []   # (engine, message) of every turn an engine handled

    def handler(self, request: httpx.Request) -> httpx.Response:
        engine = f"{request.url.scheme}://{request.url.host}:{request.url.port}"
        mode = self.mode[engine]
        if mode == "refusing":
            raise httpx.ConnectError("connection refused", request=request)
        if mode == "dropping":   # killed mid-turn: no answer at all
            raise httpx.RemoteProtocolError("server disconnected without sending a response", request=request)
        if mode == "slow":
            raise httpx.ReadTimeout("timed out", request=request)
        if mode in ("503", "500"):
            return httpx.Response(int(mode), text="engine error")
        if request.url.path == "/":
            return httpx.Response(200, text="Hello from Rasa")
        body = request.read().decode()
        self.turns.append((engine, body))
        return httpx.Response(200, json=[{"recipient_id": "x", "text": f"from {engine}"}])


@pytest.fixture
def engines():
    return Engines()


def _client(engines: Engines) -> RasaClient:
    return RasaClient(ENGINES, timeout_s=1.0, transport=httpx.MockTransport(engines.handler))


def _send(client: RasaClient, sender: str, message: str = "hello"):
    return asyncio.run(client.send(sender, message, {"language": "en"}))


def _sender_homed_on(client: RasaClient, engine: str) -> str:
    return next(f"person-{i}" for i in range(1000) if client.home(f"person-{i}") == engine)


def test_conversations_are_spread_over_the_engines_and_each_keeps_its_home(engines):
    client = _client(engines)
    homes = [client.home(f"person-{i}") for i in range(400)]
    assert 120 < homes.count(ENGINES[0]) < 280
    # Another gateway process (a new client) sends the same person to the same engine.
    assert [_client(engines).home(f"person-{i}") for i in range(400)] == homes
    sender = _sender_homed_on(client, ENGINES[1])
    for message in ("one", "two", "three"):
        assert _send(client, sender, message)[0]["text"] == f"from {ENGINES[1]}"


@pytest.mark.parametrize("failure", ["refusing", "dropping", "503"])
def test_a_turn_the_home_engine_could_not_handle_goes_to_the_other_once(engines, failure):
    client = _client(engines)
    sender = _sender_homed_on(client, ENGINES[0])
    engines.mode[ENGINES[0]] = failure
    replies = _send(client, sender, "still there?")
    assert replies[0]["text"] == f"from {ENGINES[1]}"
    assert [engine for engine, body in engines.turns if "still there?" in body] == [ENGINES[1]]


@pytest.mark.parametrize("failure", ["slow", "500"])
def test_a_turn_the_engine_may_still_be_handling_is_not_sent_twice(engines, failure):
    client = _client(engines)
    sender = _sender_homed_on(client, ENGINES[0])
    engines.mode[ENGINES[0]] = failure
    with pytest.raises(EngineUnavailable):
        _send(client, sender)
    assert engines.turns == []   # the other engine never got it: the person is not answered twice


def test_an_engine_that_was_down_is_tried_last_for_a_while(engines):
    client = _client(engines)
    first, second = [f"p{i}" for i in range(1000) if client.home(f"p{i}") == ENGINES[0]][:2]
    engines.mode[ENGINES[0]] = "refusing"
    calls: list[str] = []
    original = engines.handler

    def counting(request):
        calls.append(request.url.host)
        return original(request)

    client = RasaClient(ENGINES, timeout_s=1.0, transport=httpx.MockTransport(counting))
    _send(client, first)
    assert calls == ["engine-a", "engine-b"]
    calls.clear()
    _send(client, second)
    assert calls == ["engine-b"]      # no wait on the engine known to be down


def test_when_every_engine_is_down_the_gateway_hears_so(engines):
    client = _client(engines)
    engines.mode = {url: "refusing" for url in ENGINES}
    with pytest.raises(EngineUnavailable):
        _send(client, "anyone")


def test_the_engines_are_pinged_one_by_one(engines):
    client = _client(engines)
    engines.mode[ENGINES[1]] = "refusing"
    assert asyncio.run(client.ping_each()) == {ENGINES[0]: True, ENGINES[1]: False}
    assert asyncio.run(client.ping()) is False
