"""Radar and trend charts: real PNGs of a phone-friendly size, and text alternatives with the numbers."""
from __future__ import annotations

import io
import struct
from datetime import datetime

import pytest

from bot.wellbeing.chart import radar_alt_text, radar_png, trend_alt_text, trend_png
from bot.wellbeing.model import DIMENSIONS, CheckIn, DimensionAnswer

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def checkin(inv, ful, when) -> CheckIn:
    return CheckIn({d: DimensionAnswer(d, i, f) for d, i, f in zip(DIMENSIONS, inv, ful)}, when)


CURRENT = checkin((3, 8, 6, None), (5, 4, 6, 7), datetime(2025, 5, 12))
PREVIOUS = checkin((5, 7, 5, 4), (6, 5, 5, 5), datetime(2025, 4, 20))


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("previous", [None, PREVIOUS])
def test_radar_is_a_square_png(lang, previous):
    data = radar_png(CURRENT, previous, lang)
    assert png_size(data) == (600, 600)
    assert len(data) > 10_000


def test_radar_with_everything_skipped_still_draws():
    data = radar_png(CheckIn({}, datetime(2025, 5, 12)), None, "en")
    assert png_size(data) == (600, 600)


def test_radar_alt_text_lists_the_numbers():
    en = radar_alt_text(CURRENT, PREVIOUS, "en")
    assert "12 May 2025" in en and "20 Apr 2025" in en
    assert "Body: time and energy 3 (earlier 5), what you get back 5 (earlier 6)." in en
    assert "Relationships: time and energy 8 (earlier 7)" in en
    assert "Meaning: time and energy not answered (earlier 4)" in en
    nl = radar_alt_text(CURRENT, None, "nl")
    assert "12 mei 2025" in nl and "Lichaam: tijd en energie 3, wat je terugkrijgt 5." in nl
    assert "Zingeving: tijd en energie niet beantwoord" in nl


@pytest.mark.parametrize("series", ["investment", "fulfilment"])
def test_trend_png(series):
    seq = [checkin((5, 7, 5, 4), (6, 5, 5, 5), datetime(2025, 3, 1)),
           checkin((4, 8, 5, None), (5, 4, 6, 5), datetime(2025, 3, 22)), PREVIOUS, CURRENT]
    data = trend_png(list(reversed(seq)), "nl", series=series)
    w, h = png_size(data)
    assert w >= 600 and h >= 500 and len(data) > 10_000
    alt = trend_alt_text(seq, "en", series)
    assert "4 check-ins from 1 Mar 2025 to 12 May 2025" in alt
    assert "Relationships: 1 Mar: 7, 22 Mar: 8, 20 Apr: 7, 12 May: 8." in alt or series == "fulfilment"


def test_trend_with_one_checkin_and_bad_series():
    assert png_size(trend_png([CURRENT], "en"))[0] >= 600
    with pytest.raises(ValueError):
        trend_png([CURRENT], "en", series="values")
    with pytest.raises(ValueError):
        trend_png([], "en")


def test_png_decodes():
    import matplotlib.image as mpimg

    img = mpimg.imread(io.BytesIO(radar_png(CURRENT, PREVIOUS, "en")), format="png")
    assert img.shape[:2] == (600, 600)
    assert img.std() > 0.05      # not a blank picture
