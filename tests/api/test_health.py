def test_health_reports_each_component_honestly(client, fake_rasa):
    body = client.get("/health").json()
    assert body["components"]["api"] == "ok"
    assert body["components"]["database"] == "ok"
    assert body["components"]["rasa"] == "ok"
    assert body["components"]["actions"] == "down"  # nothing listens on the test action URL
    assert body["status"] == "degraded"


def test_health_says_loading_while_the_rasa_process_lives_but_does_not_answer(client, fake_rasa, settings):
    import os

    fake_rasa.up = False
    pid_file = settings.var_dir / "run" / "rasa.pid"
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.write_text(str(os.getpid()))  # a live process standing in for a loading Rasa
    assert client.get("/health").json()["components"]["rasa"] == "loading"
    pid_file.unlink()
    assert client.get("/health").json()["components"]["rasa"] == "down"


def test_health_does_not_wait_on_an_engine_that_hangs(client, fake_rasa):
    import asyncio

    async def hanging_ping(timeout_s=0.5):
        await asyncio.sleep(60)
        return True

    fake_rasa.ping = hanging_ping
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["components"]["rasa"] in ("loading", "down")


def test_health_names_each_engine_when_there_are_several(client, fake_rasa):
    fake_rasa.base_urls = ["http://engine-a", "http://engine-b"]
    client.app.state.rasa_pid_files = [client.app.state.rasa_pid_files[0]] * 2

    async def one_down(timeout_s=0.5):
        return {"http://engine-a": True, "http://engine-b": False}

    fake_rasa.ping_each = one_down
    body = client.get("/health").json()
    assert body["engines"] == ["ok", "down"]
    assert body["components"]["rasa"] == "degraded" and body["status"] == "degraded"


def test_an_action_server_still_loading_its_models_is_loading_not_ok(client, fake_rasa, settings, monkeypatch):
    import os

    async def up(url):
        return True

    monkeypatch.setattr("api.health.action_server_up", up)
    run = settings.var_dir / "run"
    run.mkdir(parents=True, exist_ok=True)
    (run / "actions.warm").write_text("1")                # the marker of an earlier action server
    os.utime(run / "actions.warm", (1, 1))
    (run / "actions.pid").write_text(str(os.getpid()))   # a live process standing in for the action server
    assert client.get("/health").json()["components"]["actions"] == "loading"
    (run / "actions.warm").write_text("2")                # its worker has loaded the models
    assert client.get("/health").json()["components"]["actions"] == "ok"


def test_the_gateway_says_loading_until_its_own_models_are_loaded(client, fake_rasa):
    client.app.state.warm.clear()   # as while the crisis classifier and the reflection mapping load
    assert client.get("/health").json()["components"]["api"] == "loading"
    client.app.state.warm.set()
    assert client.get("/health").json()["components"]["api"] == "ok"
