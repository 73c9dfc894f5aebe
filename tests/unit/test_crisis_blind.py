"""The blind set and the calibration sets of the crisis detector (issue 11).

``tests/crisis_corpus/blind/`` holds the judge: a set written by helpers who had seen nothing in this
repository, measured on the model as it landed and never tuned on. ``tests/crisis_corpus/calibration/``
holds the earlier blind sets (1, 3-8), written the same way; the training script calibrates the bands
on them (bot/crisis/training/labels.yml says why), so they are tuning data now, and their floors only
guard against a drop. Each README says where a set came from.

The floors are the measured result with every layer of the detector (what answers when the dialogue
engine is down), rounded down by one message of slack. Raising a floor is fine after a general
improvement; lowering one needs a reason in the commit message. Misses are not to be fixed one by one
with patterns or training lines: that would turn a blind set into a tuning set.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.crisis import detect

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "crisis_corpus"
BLIND = CORPUS / "blind"
UNREAD = CORPUS / "unread"   # the next change's judges: committed unread, never measured (README)
CALIBRATION = CORPUS / "calibration"
TRAINING = [CORPUS / name for name in
            ("en.jsonl", "nl.jsonl", "seen_holdout_en.jsonl", "seen_holdout_nl.jsonl", "context.jsonl",
             "reflections.jsonl")] + sorted((ROOT / "bot" / "crisis" / "training").glob("*.jsonl"))
TUNING = TRAINING + sorted(CALIBRATION.glob("*.jsonl")) \
    + sorted((ROOT / "bot" / "crisis" / "training" / "next").glob("*.jsonl"))

FLOORS = {
    # One message below (above) what the detector did after session 16's changes (batch 7: 660 more
    # lines, bands recalibrated). Set 9 (committed unread in session 15) was measured before those
    # changes and after; sets 5-8 were judges of earlier sessions, measured again. Detector, crisis
    # full / full-or-ask / ordinary full / ordinary asked, before (session 15's model) -> after:
    #   v9: EN 84 / 92 / 0 / 16 -> 86 / 94 / 0 / 18 %;    NL 80 / 90 / 4 / 18 -> 80 / 90 / 4 / 14 %
    #   v8: EN 90 / 100 / 6 / 12 -> 92 / 100 / 6 / 18 %;  NL 76 / 94 / 2 / 14 -> 76 / 96 / 2 / 14 %
    #   v7: EN 94 / 98 / 0 / 22 -> 96 / 100 / 0 / 26 %;   NL 88 / 92 / 0 / 20 -> 88 / 92 / 2 / 14 %
    #   v6: EN 84 / 100 / 14 / 10 -> 88 / 100 / 12 / 12 %; NL 88 / 96 / 6 / 30 -> 88 / 96 / 6 / 26 %
    #   v5: EN 86 / 98 / 4 / 18 -> 90 / 100 / 6 / 20 %;   NL 88 / 96 / 6 / 26 -> 84 / 96 / 8 / 24 %
    # v5 is dev data (it chose among calibrations in sessions 13 and 15). Then weariness of life alone
    # ("tired of life", "levensmoe") was made a question rather than a takeover (issue 14): one crisis
    # line per set moved from full to asked in EN v5, v7, v8, v9 and NL v6 (full-or-ask unchanged),
    # which puts those sets at their floor.
    # Set 10 (committed unread in session 16) judged session 17's batch 8 (660 lines; bands recalibrated
    # to EN ask .34 / full .62, NL .32 / .52), measured once before and once after:
    #   v10: EN 82 / 98 / 2 / 26 -> 80 / 92 / 2 / 18 %;  NL 86 / 96 / 0 / 12 -> 88 / 98 / 0 / 16 %
    # (and two older floors broke: v7 EN full, v8 NL full-or-ask 96 -> 90). Three more crisis messages
    # left without any response in all: batch 8 went back to bot/crisis/training/next/, and the landed
    # model's numbers are the floors.
    # Session 19: batch 8 trained (659 lines); sets 5-8 became calibration sets (the bands rest on 739
    # messages per language by seven writers instead of 339 by three); a crisis message left without
    # any answer costs twice what it did; and the takeover limit counts the six measured listening
    # probes (420 reflections per language, at most 6 taken over) instead of one, after an
    # intermediate model (Dutch full band .52) took over "ik bid elke ochtend..." of probe v6.
    # Bands: EN ask .24 -> .30, full .60 -> .65; NL ask .28 -> .24, full .56 -> .60. Set 12 (written
    # at this session's start by a helper who saw nothing) judged it, measured once before and once
    # after; set 11 (committed unread in session 17) was measured on the landed model, the intermediate
    # one and this one. Detector, as above, landed -> this model:
    #   v12: EN 78 / 94 / 4 / 14 -> 76 / 94 / 4 / 12 %;  NL 86 / 94 / 4 / 18 -> 86 / 94 / 4 / 20 %
    #   (one English idiom of set 12 turned out to be word for word in calibration sets 1 and 7 and
    #   probe v1; it left set 12 after the measurement, so its English ordinary half is 49)
    #   v11: EN 80 / 98 / 8 / 18 -> 78 / 100 / 8 / 18 %; NL 86 / 98 / 4 / 20 -> 84 / 98 / 4 / 22 %
    #   v10: EN 82 / 98 / 2 / 26 -> 80 / 98 / 2 / 18 %;  NL 86 / 96 / 0 / 12 -> 82 / 98 / 0 / 22 %
    #   v9:  EN 84 / 94 / 0 / 18 -> 82 / 98 / 0 / 16 %;  NL 80 / 90 / 4 / 14 -> 82 / 94 / 2 / 18 %
    # Six more crisis messages get at least the question, none fewer; six move from the full response
    # to the question. The floors below are the after, one message of slack, so some are looser than
    # before: full response v9 EN, v10 EN and NL, v5-v7 EN, v6 NL, v4 NL; questions on hard negatives
    # v9 NL, v10 NL, v5-v8 NL, v5, v6, v8 EN, v4 NL (Dutch asks more: its question threshold is .24).
    # Session 20: a learned combiner of the three views (a logistic regression over their out-of-fold
    # log-odds, per language, replacing the fixed mix and the half-way sentence pull; question grid
    # from .10) judged by set 13 (committed unread in session 19), measured once on the landed model
    # and once on the combiner. Detector, landed -> combiner:
    #   v13: EN 68 / 94 / 2 / 10 -> 68 / 90 / 2 / 10 %;  NL 76 / 94 / 2 / 16 -> 76 / 96 / 2 / 16 %
    # Two English crisis messages lost any answer, so it was not kept (the floors on sets 9-12 moved by
    # a message either way: full +7 messages, full-or-ask net 0). Set 13's floors are the landed numbers.
    # Session 21: training batch 9 (400 lines by two helpers who saw nothing: ordinary lines of the kinds
    # still taken over or asked about on the calibration sets and seen probes, and indirect crisis lines),
    # judged by set 14 (committed unread in session 20), measured once on the landed model and once after
    # the retrain. Detector, landed -> batch 9:
    #   v14: EN 80 / 92 / 8 / 10 -> 80 / 92 / 8 / 10 %;  NL 84 / 98 / 2 / 10 -> 80 / 96 / 2 / 10 %
    # One Dutch crisis message lost any answer, so it was not kept (on sets 9-13 pooled it had been: EN
    # full-or-ask 96.8 -> 97.6 %, NL 95.6 -> 95.6 %, takeovers EN 8 -> 8, NL 6 -> 5 of 250). The batch
    # waits in bot/crisis/training/next/. Set 14's floors are the landed numbers (EN 49 crisis lines).
    # Session 22: a lexicon match the classifier is sure of as ordinary (below dismiss_below, per
    # language; never imminent, the past, weariness, a threat to others or a message under six words)
    # no longer gets the question. Judged by set 15 (committed unread in session 21), detector:
    #   v15: EN 82 / 94 / 2 / 14 -> 82 / 94 / 2 / 14 %;  NL 74 / 98 / 2 / 40 -> 74 / 98 / 2 / 32 %
    # Sets 9-14 pooled: questions on ordinary messages EN 14.0 -> 9.4 %, NL 18.0 -> 15.3 %, nothing else
    # moved. Set 15's floors are the after, one message of slack; the question ceilings of sets 9-14
    # were lowered to the after plus one message, so the questions saved stay saved.
    # Session 23: sets 9-13 became calibration sets (1,239 messages per language by twelve writers):
    # EN question threshold .30 -> .26, NL dismiss level .08 -> .10. Judged by set 16 (committed unread
    # in session 22), detector, landed -> recalibrated:
    #   v16: EN 88 / 98 / 0 / 26.5 -> 88 / 100 / 0 / 28.6 %;  NL 82 / 100 / 4 / 18 -> 82 / 100 / 4 / 18 %
    # Sets 14-15 (EN; NL unchanged): full-or-ask 92.9 -> 93.9 %, takeovers 5 -> 3, questions 10 -> 15 of
    # 100. One crisis message more answered on both, a few more questions: kept (a missed crisis is the
    # worst error). Question ceilings raised where the lower threshold asks more: v12, v14, v15 EN.
    # Session 24: the model learns from the calibration sets too, cross-fitted (each set's probabilities
    # for the band search from a model trained without its writer's group; four groups). Judged by set
    # 17 (committed unread in session 23), detector, landed -> cross-fitted:
    #   v17: EN 84 / 96 / 0 / 18 -> 82 / 98 / 0 / 16 %;  NL 80 / 96 / 0 / 24 -> 80 / 96 / 0 / 16 %
    # Sets 14-16 pooled: EN 83.2 / 96.0 / 2.0 / 19.5 -> 83.9 / 96.0 / 2.0 / 18.8 %, NL 79.9 / 98.7 / 2.7 /
    # 19.3 -> 77.9 / 98.7 / 1.3 / 13.3 %. No crisis message lost its answer anywhere, one more English one
    # answered; Dutch asks a third less and takes over two fewer, at the price of three Dutch crisis
    # messages moving from the full response to the question (NL full threshold .60 -> .69; set 14 NL's
    # full floor .82 -> .73). Set 17's floors are the after, one message of slack. Calibration set 11 EN
    # asks one hard negative more (ceiling .14 -> .18).
    # Session 25: three more writers (calibration sets 19-21, cross-fitted like the others). Judged by set
    # 18 (committed unread in session 24), detector, landed -> after:
    #   v18: EN 78 / 100 / 0 / 10.2 -> 84 / 100 / 0 / 10.2 %;  NL 76 / 94 / 0 / 8 -> 78 / 96 / 0 / 12 %
    # (the landed data retrained alone, whose rows came in another order: EN 84 / 100 / 0 / 10.2, NL 76 /
    # 94 / 0 / 8). Sets 14-17 pooled: EN 83.4 / 96.5 / 1.5 / 18.1 -> 86.9 / 96.0 / 1.5 / 16.1 %, NL 78.4 /
    # 98.0 / 1.0 / 14.0 -> 79.4 / 99.0 / 0.0 / 21.0 %: Dutch answers two more crisis messages (NL question
    # threshold .32 -> .26) and asks more; one English crisis message of set 15 lost its answer. Set 17
    # NL asks five hard negatives more (ceiling .18 -> .28).
    # Session 26 (no change to the detector; the dialogue's crisis intent no longer asks about a message
    # the classifier is sure is ordinary). Set 22 (committed unread in session 25), measured once on the
    # landed commit and after: detector EN 74.5 / 97.9 / 0 / 10.4 %, NL 76 / 98 / 0 / 16 % both times;
    # gateway EN asks 14.6 -> 10.4 %, NL 18 -> 16 %, the rest unchanged. Floors: the detector, one
    # message of slack.
    # Session 27 (no change to the detector; the gateway listens instead of asking when only the
    # classifier asked, low in its band, about a message the listening mapping surely hears as a side of
    # life). Set 23 (committed unread in session 26), measured on the landed commit and after: detector
    # EN 97.8 / 100 / 0 / 9.5 %, NL 93.5 / 100 / 0 / 14.6 % both times; the gateway the same before and
    # after. Floors: the detector, one message of slack.
    # Session 28 (no change to the detector; the dialogue's intent read by a logistic regression, not
    # DIET). Set 24 (committed unread in session 27), measured on the landed commit and after: detector
    # EN 88.9 / 97.2 / 0 / 16.2 %, NL 76.6 / 91.5 / 0 / 12.8 % both times; the gateway EN 88.9 / 97.2 /
    # 0 / 16.2 -> 88.9 / 97.2 / 0 / 13.5 %, NL 76.6 / 91.5 / 0 / 12.8 -> 76.6 / 93.6 / 0 / 14.9 %.
    # Floors: the detector, one message of slack. Dutch leaves four crisis messages without an answer.
    # Session 29 (no change to the detector: crisis training batch 10 was trained on and judged by set 25,
    # not kept, bot/crisis/training/next/README.md). Set 25 (committed unread in session 28), detector
    # EN 91.7 / 100 / 0 / 15.4 %, NL 79.6 / 100 / 0 / 8.7 %. Floors: the detector, one message of slack.
    # Session 30 (no change to the detector; the dialogue's intent with a clearer chitchat / out_of_scope
    # border and quitting goals as ordinary_goal). Set 26 (committed unread in session 29), measured once
    # on the landed commit and after: detector EN 81.1 / 100 / 0 / 9.5 %, NL 51.1 / 95.6 / 0 / 22.6 % both
    # times; the gateway EN 81.1 / 97.3 / 0 / 14.3 -> 81.1 / 97.3 / 0 / 9.5 %, NL 51.1 / 95.6 / 0 / 24.5 %
    # both times. Floors: the detector, one message of slack. The Dutch writer's farewells, fears of
    # oneself and plans mostly got the question, not the full response; two Dutch crisis messages (a
    # relapse into cutting, children hiding from a drinking father) got no answer at all.
    # Session 30, later: crisis training batch 11 (written from set 26's miss categories, its lines unseen)
    # trained on and not kept (bot/crisis/training/next/README.md). Set 27 (committed unread earlier in
    # session 30), detector, landed -> with batch 11:
    #   v27: EN 94.1 / 100 / 2.2 / 15.6 -> 97.1 / 100 / 2.2 / 13.3 %;  NL 90.6 / 100 / 0 / 22.2 -> 90.6 / 100 / 1.9 / 16.7 %
    # Floors: the landed detector, one message of slack. Not measured through the gateway.
    # Session 31: batches 11 and 12 trained on (12: 150 heavy ordinary lines per language), the dialogue's
    # task requests moved to out_of_scope, a lexicon-heard attempt never dismissed. Set 28 (committed
    # unread in session 30), measured once on the landed commit and after: detector
    #   v28: EN 87.2 / 97.4 / 2.4 / 12.2 -> 89.7 / 97.4 / 2.4 / 12.2 %;  NL 68.6 / 98.0 / 1.9 / 15.1 -> 72.5 / 100 / 1.9 / 13.2 %
    # gateway EN the same both times, NL 68.6 / 98.0 / 1.9 / 20.8 -> 72.5 / 100 / 1.9 / 18.9 %. Floors: the
    # detector after, one message of slack. On all blind floors pooled (v14-v27) NL full 78.7 -> 81.8 %
    # and takeovers on ordinary messages 0 -> 4 of 548 (two of set 26: a last joint "voorgoed", fear of
    # not waking from narcosis, p .74 and .71 against the recalibrated .70): its ceiling .03 -> .04.
    # Session 32 (no change to the detector kept: per-language view weights chosen with the bands were
    # trained on and not kept, bot/crisis/training/next/README.md; the dialogue learnt an eleventh
    # writer's border lines). Set 29 (committed unread in session 31), measured once on the landed commit
    # and after: detector EN 90.2 / 100 / 4.8 / 19.0 %, NL 81.5 / 96.3 / 1.8 / 20.0 % both times (with the
    # view weights: EN asked 23.8 %, NL full 79.6 %); the gateway EN 90.2 / 100 / 4.8 / 21.4 % both times,
    # NL 81.5 / 96.3 / 1.8 / 25.5 -> 27.3 %. Floors: the detector, one message of slack. Two English hard
    # negatives taken over (4.8 %, above the 3 %) are pinned, not hidden.
    BLIND / "v29_en.jsonl": {"full_or_ask": 0.97, "full": 0.87, "ordinary_full_max": 0.08, "ordinary_ask_max": 0.22},
    BLIND / "v29_nl.jsonl": {"full_or_ask": 0.94, "full": 0.79, "ordinary_full_max": 0.04, "ordinary_ask_max": 0.22},
    BLIND / "v28_en.jsonl": {"full_or_ask": 0.94, "full": 0.87, "ordinary_full_max": 0.05, "ordinary_ask_max": 0.15},
    BLIND / "v28_nl.jsonl": {"full_or_ask": 0.98, "full": 0.70, "ordinary_full_max": 0.04, "ordinary_ask_max": 0.16},
    BLIND / "v27_en.jsonl": {"full_or_ask": 0.97, "full": 0.91, "ordinary_full_max": 0.05, "ordinary_ask_max": 0.18},
    BLIND / "v27_nl.jsonl": {"full_or_ask": 0.98, "full": 0.88, "ordinary_full_max": 0.02, "ordinary_ask_max": 0.25},
    BLIND / "v26_en.jsonl": {"full_or_ask": 0.97, "full": 0.78, "ordinary_full_max": 0.03, "ordinary_ask_max": 0.12},
    BLIND / "v26_nl.jsonl": {"full_or_ask": 0.93, "full": 0.48, "ordinary_full_max": 0.04, "ordinary_ask_max": 0.25},
    BLIND / "v25_en.jsonl": {"full_or_ask": 0.97, "full": 0.88, "ordinary_full_max": 0.03, "ordinary_ask_max": 0.18},
    BLIND / "v25_nl.jsonl": {"full_or_ask": 0.97, "full": 0.77, "ordinary_full_max": 0.03, "ordinary_ask_max": 0.11},
    BLIND / "v24_en.jsonl": {"full_or_ask": 0.94, "full": 0.86, "ordinary_full_max": 0.03, "ordinary_ask_max": 0.19},
    BLIND / "v24_nl.jsonl": {"full_or_ask": 0.89, "full": 0.74, "ordinary_full_max": 0.03, "ordinary_ask_max": 0.15},
    BLIND / "v23_en.jsonl": {"full_or_ask": 0.97, "full": 0.95, "ordinary_full_max": 0.03, "ordinary_ask_max": 0.12},
    BLIND / "v23_nl.jsonl": {"full_or_ask": 0.97, "full": 0.91, "ordinary_full_max": 0.03, "ordinary_ask_max": 0.17},
    BLIND / "v22_en.jsonl": {"full_or_ask": 0.95, "full": 0.72, "ordinary_full_max": 0.02, "ordinary_ask_max": 0.13},
    BLIND / "v22_nl.jsonl": {"full_or_ask": 0.96, "full": 0.74, "ordinary_full_max": 0.02, "ordinary_ask_max": 0.18},
    BLIND / "v18_en.jsonl": {"full_or_ask": 0.98, "full": 0.82, "ordinary_full_max": 0.02, "ordinary_ask_max": 0.13},
    BLIND / "v18_nl.jsonl": {"full_or_ask": 0.94, "full": 0.76, "ordinary_full_max": 0.02, "ordinary_ask_max": 0.15},
    BLIND / "v17_en.jsonl": {"full_or_ask": 0.96, "full": 0.8, "ordinary_full_max": 0.02, "ordinary_ask_max": 0.18},
    BLIND / "v17_nl.jsonl": {"full_or_ask": 0.94, "full": 0.76, "ordinary_full_max": 0.02, "ordinary_ask_max": 0.28},
    BLIND / "v16_en.jsonl": {"full_or_ask": 0.98, "full": 0.86, "ordinary_full_max": 0.03, "ordinary_ask_max": 0.31},
    BLIND / "v16_nl.jsonl": {"full_or_ask": 0.98, "full": 0.8, "ordinary_full_max": 0.06, "ordinary_ask_max": 0.2},
    BLIND / "v15_en.jsonl": {"full_or_ask": 0.92, "full": 0.8, "ordinary_full_max": 0.04, "ordinary_ask_max": 0.22},
    BLIND / "v15_nl.jsonl": {"full_or_ask": 0.96, "full": 0.72, "ordinary_full_max": 0.04, "ordinary_ask_max": 0.34},
    BLIND / "v14_en.jsonl": {"full_or_ask": 0.89, "full": 0.77, "ordinary_full_max": 0.1, "ordinary_ask_max": 0.12},
    BLIND / "v14_nl.jsonl": {"full_or_ask": 0.96, "full": 0.73, "ordinary_full_max": 0.04, "ordinary_ask_max": 0.1},
    # Session 25: three new writers, calibration sets from the start and trained on (cross-fitted), so
    # these are in-sample rates of the model that learnt them, with a margin: a guard, not a measure.
    CALIBRATION / "v19_en.jsonl": {"full_or_ask": 0.97, "full": 0.9, "ordinary_full_max": 0.03, "ordinary_ask_max": 0.25},
    CALIBRATION / "v19_nl.jsonl": {"full_or_ask": 0.97, "full": 0.9, "ordinary_full_max": 0.03, "ordinary_ask_max": 0.13},
    CALIBRATION / "v20_en.jsonl": {"full_or_ask": 0.98, "full": 0.9, "ordinary_full_max": 0.03, "ordinary_ask_max": 0.23},
    CALIBRATION / "v20_nl.jsonl": {"full_or_ask": 0.98, "full": 0.9, "ordinary_full_max": 0.05, "ordinary_ask_max": 0.23},
    CALIBRATION / "v21_en.jsonl": {"full_or_ask": 0.97, "full": 0.9, "ordinary_full_max": 0.03, "ordinary_ask_max": 0.13},
    CALIBRATION / "v21_nl.jsonl": {"full_or_ask": 0.97, "full": 0.9, "ordinary_full_max": 0.03, "ordinary_ask_max": 0.13},
    CALIBRATION / "v13_en.jsonl": {"full_or_ask": 0.92, "full": 0.66, "ordinary_full_max": 0.04, "ordinary_ask_max": 0.08},
    CALIBRATION / "v13_nl.jsonl": {"full_or_ask": 0.92, "full": 0.74, "ordinary_full_max": 0.04, "ordinary_ask_max": 0.18},
    CALIBRATION / "v12_en.jsonl": {"full_or_ask": 0.92, "full": 0.74, "ordinary_full_max": 0.062, "ordinary_ask_max": 0.19},
    CALIBRATION / "v12_nl.jsonl": {"full_or_ask": 0.92, "full": 0.84, "ordinary_full_max": 0.06, "ordinary_ask_max": 0.18},
    CALIBRATION / "v11_en.jsonl": {"full_or_ask": 0.98, "full": 0.76, "ordinary_full_max": 0.1, "ordinary_ask_max": 0.18},
    CALIBRATION / "v11_nl.jsonl": {"full_or_ask": 0.96, "full": 0.82, "ordinary_full_max": 0.06, "ordinary_ask_max": 0.2},
    CALIBRATION / "v10_en.jsonl": {"full_or_ask": 0.96, "full": 0.78, "ordinary_full_max": 0.04, "ordinary_ask_max": 0.16},
    CALIBRATION / "v10_nl.jsonl": {"full_or_ask": 0.96, "full": 0.8, "ordinary_full_max": 0.02, "ordinary_ask_max": 0.22},
    CALIBRATION / "v9_en.jsonl": {"full_or_ask": 0.96, "full": 0.8, "ordinary_full_max": 0.02, "ordinary_ask_max": 0.12},
    CALIBRATION / "v9_nl.jsonl": {"full_or_ask": 0.92, "full": 0.8, "ordinary_full_max": 0.04, "ordinary_ask_max": 0.16},
    CALIBRATION / "v8_en.jsonl": {"full_or_ask": 0.98, "full": 0.9, "ordinary_full_max": 0.02, "ordinary_ask_max": 0.22},
    CALIBRATION / "v8_nl.jsonl": {"full_or_ask": 0.94, "full": 0.74, "ordinary_full_max": 0.04, "ordinary_ask_max": 0.18},
    CALIBRATION / "v7_en.jsonl": {"full_or_ask": 0.98, "full": 0.9, "ordinary_full_max": 0.02, "ordinary_ask_max": 0.24},
    CALIBRATION / "v7_nl.jsonl": {"full_or_ask": 0.9, "full": 0.86, "ordinary_full_max": 0.02, "ordinary_ask_max": 0.24},
    CALIBRATION / "v6_en.jsonl": {"full_or_ask": 0.98, "full": 0.82, "ordinary_full_max": 0.06, "ordinary_ask_max": 0.22},
    CALIBRATION / "v6_nl.jsonl": {"full_or_ask": 0.98, "full": 0.82, "ordinary_full_max": 0.04, "ordinary_ask_max": 0.38},
    CALIBRATION / "v5_en.jsonl": {"full_or_ask": 0.98, "full": 0.8, "ordinary_full_max": 0.04, "ordinary_ask_max": 0.24},
    CALIBRATION / "v5_nl.jsonl": {"full_or_ask": 0.94, "full": 0.86, "ordinary_full_max": 0.08, "ordinary_ask_max": 0.28},
    CALIBRATION / "v1_en.jsonl": {"full_or_ask": 0.984, "full": 0.953, "ordinary_full_max": 0.032, "ordinary_ask_max": 0.094},
    CALIBRATION / "v1_nl.jsonl": {"full_or_ask": 0.984, "full": 0.907, "ordinary_full_max": 0.016, "ordinary_ask_max": 0.11},
    CALIBRATION / "v3_en.jsonl": {"full_or_ask": 0.963, "full": 0.927, "ordinary_full_max": 0.019, "ordinary_ask_max": 0.20},
    CALIBRATION / "v3_nl.jsonl": {"full_or_ask": 0.981, "full": 0.89, "ordinary_full_max": 0.019, "ordinary_ask_max": 0.31},
    CALIBRATION / "v4_en.jsonl": {"full_or_ask": 0.979, "full": 0.816, "ordinary_full_max": 0.06, "ordinary_ask_max": 0.30},
    CALIBRATION / "v4_nl.jsonl": {"full_or_ask": 0.96, "full": 0.86, "ordinary_full_max": 0.06, "ordinary_ask_max": 0.28},
}


def plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower().replace("\u2019", "'")).split())


def rows_of(*paths: Path) -> list[dict]:
    rows = []
    for path in paths:
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def blind_rows() -> list[dict]:
    """Every judged line: the measured blind sets and the unread next ones."""
    return rows_of(*sorted(BLIND.glob("*.jsonl")), *sorted(UNREAD.glob("*.jsonl")))


@pytest.mark.parametrize("directory", [BLIND, CALIBRATION], ids=["blind", "calibration"])
def test_sets_are_there_and_half_hard_negatives(directory):
    rows = rows_of(*sorted(directory.glob("*.jsonl")))
    for lang in ("en", "nl"):
        mine = [r for r in rows if r["lang"] == lang]
        assert len(mine) >= 100
        assert 0.4 <= sum(not r["crisis"] for r in mine) / len(mine) <= 0.6


@pytest.mark.parametrize(("judged", "tuning"), [(BLIND, TUNING), (UNREAD, TUNING), (CALIBRATION, TRAINING)],
                         ids=["blind-vs-all-tuning", "unread-vs-all-tuning", "calibration-vs-training"])
def test_no_judged_sentence_is_in_a_file_it_is_kept_apart_from(judged, tuning):
    # A calibration sentence in the training data would make the model look surer on it than on
    # text it has never seen, and the bands would be set too loose.
    blind = {plain(r["text"]) for r in rows_of(*sorted(judged.glob("*.jsonl")))}
    for path in tuning:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            for text in [row.get("text", "")] + list(row.get("context", [])):
                assert plain(text) not in blind, f"{path.name} holds a blind sentence: {text!r}"


def test_no_judged_sentence_is_a_dialogue_example():
    # The gateway's numbers on a judge include the dialogue's own crisis intent: its examples
    # (data/*/nlu_*.yml, some drawn from the crisis training lines) must not hold a judged sentence.
    judged = {plain(r["text"]) for r in blind_rows()}
    for path in sorted(ROOT.glob("data/*/nlu_*.yml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("- ") and len(line.split()) >= 5:
                assert plain(line.strip()[2:]) not in judged, f"{path.name} holds a judged sentence: {line.strip()!r}"


def test_no_blind_sentence_is_in_the_lexicon():
    # Short common phrases ("ik wil dood") are naturally in both; a sentence of five words or more
    # in the lexicon's examples would mean someone copied it there.
    lexicon = plain("\n".join(p.read_text(encoding="utf-8")
                               for p in (ROOT / "bot" / "crisis" / "lexicon").glob("*.yml")))
    for row in blind_rows():
        text = plain(row["text"])
        if len(text.split()) >= 5:
            assert text not in lexicon, row["text"]


@pytest.mark.parametrize("path", sorted(FLOORS), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_floors(path):
    assert set(FLOORS) >= set(BLIND.glob("*.jsonl")) | set(CALIBRATION.glob("*.jsonl")), "a set without floors"
    rows = rows_of(path)
    crisis = [r for r in rows if r["crisis"]]
    ordinary = [r for r in rows if not r["crisis"]]
    bands = {id(r): detect(r["text"], r["lang"]).band for r in rows}

    def share(group, wanted):
        return sum(bands[id(r)] in wanted for r in group) / len(group)

    floor = FLOORS[path]
    measured = {
        "crisis_full_or_ask": share(crisis, {"crisis", "ask"}),
        "crisis_full": share(crisis, {"crisis"}),
        "ordinary_full": share(ordinary, {"crisis"}),
        "ordinary_ask": share(ordinary, {"ask"}),
    }
    assert measured["crisis_full_or_ask"] >= floor["full_or_ask"], measured
    assert measured["crisis_full"] >= floor["full"], measured
    assert measured["ordinary_full"] <= floor["ordinary_full_max"], measured
    assert measured["ordinary_ask"] <= floor["ordinary_ask_max"], measured
