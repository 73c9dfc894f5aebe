"""The spool keeps what the gateway could not store: on disk at once, written back once, never dropped."""
from __future__ import annotations

import pytest

from bot.storage.spool import Spool


def test_turns_survive_a_failed_write_back_and_go_once_it_succeeds(tmp_path):
    spool = Spool(tmp_path / "spool")
    spool.add({"n": 1})
    spool.add({"n": 2})
    assert Spool(tmp_path / "spool").pending() == 2      # on disk, readable by another process

    def failing(entries):
        raise ConnectionError("still down")

    with pytest.raises(ConnectionError):
        spool.drain(failing)
    assert spool.pending() == 2                           # nothing lost
    written = []
    assert spool.drain(written.extend) == 2
    assert written == [{"n": 1}, {"n": 2}] and spool.pending() == 0
    assert spool.drain(written.extend) == 0               # nothing written twice


def test_a_turn_added_after_a_drain_starts_a_new_file(tmp_path):
    spool = Spool(tmp_path / "spool")
    spool.add({"n": 1})
    spool.drain(lambda entries: None)
    spool.add({"n": 2})
    written = []
    spool.drain(written.extend)
    assert written == [{"n": 2}]


def test_an_empty_spool_costs_nothing(tmp_path):
    assert Spool(tmp_path / "nowhere").pending() == 0
    assert Spool(tmp_path / "nowhere").drain(lambda entries: pytest.fail("nothing to write")) == 0
