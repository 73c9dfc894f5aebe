"""The four dimensions, their values in both languages, and the check-in dataclasses."""
from __future__ import annotations

from datetime import datetime

import pytest

from bot.content import UnknownLanguage
from bot.wellbeing.model import (
    DIMENSIONS,
    CheckIn,
    DimensionAnswer,
    UnknownDimension,
    dimension,
    thresholds,
    value_ids,
    values_for,
)


def test_four_dimensions_in_order():
    assert DIMENSIONS == ("physical", "social", "psychological", "spiritual")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_dimension_has_texts_in_both_languages(lang):
    for d in DIMENSIONS:
        dim = dimension(d, lang)
        for text in (dim.name, dim.area, dim.short, dim.description, dim.too_little, dim.too_much):
            assert text.strip()
        assert dim.values and dim.lexicon


def test_value_ids_are_stable_across_languages_with_own_labels():
    for d in DIMENSIONS:
        en, nl = values_for(d, "en"), values_for(d, "nl")
        assert [v.id for v in en] == [v.id for v in nl]
    assert [v.id for v in values_for("physical", "en")] == ["health", "safety", "comfort", "beauty"]
    assert [v.label for v in values_for("physical", "nl")] == ["gezondheid", "veiligheid", "comfort", "schoonheid"]
    assert value_ids("social") == ("belonging", "success", "mattering", "goodness")
    assert value_ids("psychological") == ("autonomy", "freedom", "knowledge", "truth", "wisdom")
    assert value_ids("spiritual") == ("connection", "inspiration")
    assert dimension("social", "en").value("mattering").label == "meaning something for others"


def test_english_has_prototypes_for_the_embedding_mapping():
    for d in DIMENSIONS:
        assert len(dimension(d, "en").prototypes) >= 8


def test_unknown_dimension_and_language():
    with pytest.raises(UnknownDimension):
        dimension("emotional", "en")
    with pytest.raises(UnknownLanguage):
        dimension("social", "fr")


def test_answers_may_be_skipped_and_are_validated():
    a = DimensionAnswer("social")
    assert a.investment is None and a.fulfilment is None and a.values == () and not a.named_values
    assert DimensionAnswer("social", other_value="my dog").named_values
    with pytest.raises(ValueError):
        DimensionAnswer("social", investment=11)
    with pytest.raises(ValueError):
        DimensionAnswer("social", fulfilment=-1)
    with pytest.raises(ValueError):
        DimensionAnswer("social", values=("health",))   # a physical value
    with pytest.raises(ValueError):
        CheckIn({"social": DimensionAnswer("physical", 3)})


def test_checkin_round_trips_through_a_dict():
    c = CheckIn({"physical": DimensionAnswer("physical", 3, None, ("health",), "walks", "tired"),
                 "social": None}, datetime(2025, 5, 1, 10, 30))
    again = CheckIn.from_dict(c.to_dict())
    assert again == c
    assert again.investment("physical") == 3 and again.fulfilment("physical") is None
    assert again.investment("spiritual") is None


def test_thresholds_come_from_the_yaml_file():
    t = thresholds()
    assert t["persistence"] == {"window": 3, "min_count": 2}
    assert 0 < t["findings"]["over"]["share"]["min_share"] < 1
