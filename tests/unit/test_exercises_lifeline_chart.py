"""The lifeline picture: a real phone-sized PNG, points joined in time order, and a text alternative."""
from __future__ import annotations

import struct

import pytest

from bot.exercises.lifeline.chart import chart_series, lifeline_alt_text, lifeline_png, ordered_x

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

POINTS = [  # deliberately not in time order
    {"age": 30, "year": None, "label": "got married", "feeling": 5, "said": "age"},
    {"age": 7, "year": None, "label": "we got a puppy", "feeling": 3, "said": "age"},
    {"age": 45, "year": None, "label": "my father died", "feeling": -5, "said": "age"},
    {"age": 12, "year": None, "label": "we moved to another town far away from all my friends", "feeling": -3,
     "said": "age"},
    {"age": 28, "year": None, "label": "travelled", "feeling": 0, "said": "age"},
    {"age": 31, "year": None, "label": "our first child", "feeling": 5, "said": "age"},
]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_png_is_phone_sized(lang):
    data = lifeline_png(POINTS, lang)
    assert png_size(data) == (720, 540)
    assert len(data) > 15_000


def test_points_are_drawn_in_time_order():
    axis, series, skipped = chart_series(POINTS)
    assert axis == "age" and not skipped
    assert [x for x, _ in series] == [7, 12, 28, 30, 31, 45]
    assert [p["label"] for _, p in series][:2] == [
        "we got a puppy", "we moved to another town far away from all my friends"]


def test_years_axis_and_birth_year():
    points = [{"year": 2019, "label": "job lost", "feeling": -4, "said": "year"},
              {"year": 1998, "label": "daughter", "feeling": 5, "said": "year"}]
    assert chart_series(points)[0] == "year" and ordered_x(points) == [1998, 2019]
    mixed = points + [{"age": 7, "label": "puppy", "feeling": 3, "said": "age"}]
    axis, series, _ = chart_series(mixed)
    assert axis == "order" and [p["label"] for _, p in series] == ["puppy", "daughter", "job lost"]
    assert ordered_x(mixed) == [1, 2, 3]
    axis, series, _ = chart_series(mixed, birth_year=1970)    # one line: most were given as years
    assert axis == "year" and ordered_x(mixed, birth_year=1970) == [1977, 1998, 2019]


def test_points_without_time_or_feeling_are_left_out_of_the_drawing_but_not_the_text():
    points = POINTS + [{"age": None, "year": None, "label": "no time", "feeling": 2},
                       {"age": 50, "label": "no feeling", "feeling": None}]
    axis, series, skipped = chart_series(points)
    assert [p["label"] for p in skipped] == ["no feeling", "no time"]
    assert png_size(lifeline_png(points, "en")) == (720, 540)
    alt = lifeline_alt_text(points, "en")
    assert "no feeling, feeling open (not on the picture)." in alt
    assert "Time not known: no time, feeling +2 (not on the picture)." in alt


@pytest.mark.parametrize("points", [[], [{"age": 20, "label": "only one", "feeling": -1}]])
def test_empty_and_single_point(points):
    assert png_size(lifeline_png(points, "nl")) == (720, 540)


def test_alt_text_lists_points_in_order():
    en = lifeline_alt_text(POINTS, "en")
    assert en.startswith("Your lifeline, 6 moments, from age 7 to age 45")
    assert "1. Age 7: we got a puppy, feeling +3." in en and "6. Age 45: my father died, feeling −5." in en
    assert en.index("puppy") < en.index("travelled") < en.index("got married") < en.index("first child")
    nl = lifeline_alt_text(POINTS, "nl")
    assert "1. 7 jaar: we got a puppy, gevoel +3." in nl
    assert lifeline_alt_text([], "en") == "Your lifeline has no moments yet."


def test_many_points_still_draw():
    many = [{"age": a, "label": f"moment number {a} with quite a few words", "feeling": (a % 11) - 5}
            for a in range(3, 80, 4)]
    assert png_size(lifeline_png(many, "en")) == (720, 540)
