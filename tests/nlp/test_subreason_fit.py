"""Sub-reason share and floor re-chosen on a company's held-out rows (`nlp.subreason_fit`)."""
from __future__ import annotations

import itertools
import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np

from nlp.classify import Probabilities
from nlp.corpus import Example
from nlp.settings import NLPSettings
from nlp.subreason_fit import FLOOR_GRID, NEVER, SHARE_GRID, choose, fit_on_examples, micro_f1, named_subreasons

KEYS = ["logistics.late", "logistics.no_show", "skill.not_clean"]
LATE = {"logistics.late"}


def _logistics_complaints(n: int, late: float, no_show: float, floor: float | None) -> Probabilities:
    """`n` texts complaining about logistics only, with these sub-reason probabilities."""
    aspects = np.zeros((n, 3, 4), dtype=np.float32)
    aspects[:, :2, 0] = 1.0  # attitude and skill not mentioned
    aspects[:, 2, 1] = 1.0  # a logistics complaint
    subreasons = np.tile(np.array([late, no_show, 0.0], dtype=np.float32), (n, 1))
    return Probabilities(aspects, subreasons, np.tile(np.float32([1, 0, 0]), (n, 1)),
                         None if floor is None else np.full(n, floor, dtype=np.float32))


def _by_share(n: int = 60):
    """The bag reads lateness weakly (0.35), the network reads a no-show (0.45): mixed by the share."""
    return lambda share: _logistics_complaints(n, share * 0.35 + (1 - share) * 0.1,
                                               share * 0.05 + (1 - share) * 0.45,
                                               None if share == 0 else 0.3)


def test_micro_f1_pools_every_row():
    assert micro_f1([LATE, set(), {"skill.not_clean"}], [LATE, {"logistics.no_show"}, set()]) == 0.5
    assert micro_f1([set()], [set()]) == 0.0


def test_the_floor_only_counts_on_home_service_texts():
    probs = _logistics_complaints(2, 0.35, 0.05, 0.3)
    probs.subreason_floor[1] = np.inf  # the gate did not read the second text as home services
    assert named_subreasons(probs, KEYS, NLPSettings(), 0.2) == [LATE, set()]
    assert named_subreasons(probs, KEYS, NLPSettings(), NEVER) == [set(), set()]


def test_choose_takes_the_share_and_floor_that_name_the_labelled_sub_reasons():
    network_only = replace(NLPSettings(), blend_wordbag_subreasons_home=0.0, subreason_floor_home=NEVER)
    chosen = choose(_by_share(), KEYS, [LATE] * 60, network_only)
    assert chosen is not None and chosen.default_f1 == 0.0 and chosen.f1 == 1.0 and chosen.rows == 60
    # the first grid point that names lateness: at 0.5 the network's no-show is still the likeliest
    assert (chosen.share, chosen.floor) == (0.7, 0.0)
    assert chosen.share in SHARE_GRID and chosen.floor in FLOOR_GRID


def test_choose_keeps_the_settings_on_ties_and_without_enough_rows():
    chosen = choose(_by_share(), KEYS, [LATE] * 60, NLPSettings())  # share 1, floor 0.3 name lateness already
    assert chosen is not None and (chosen.share, chosen.floor) == (1.0, 0.3) and chosen.f1 == chosen.default_f1 == 1.0
    assert choose(_by_share(), KEYS, [LATE] * 49 + [set()] * 11, NLPSettings()) is None


def test_rows_without_a_subreasons_column_choose_nothing(tiny_model_dir: Path):
    from nlp.classify import FeedbackClassifier

    clf = FeedbackClassifier.load(tiny_model_dir)
    rows = [Example("阿姨迟到了一个小时", {"logistics": -1}, -1, None, "user:own.csv")] * 80
    assert fit_on_examples(clf, rows) is None


def test_training_on_rows_with_sub_reasons_records_the_chosen_share_and_floor(tmp_path: Path):
    from nlp.train import train

    complaints = [("说好九点上门，十一点才到，也没打个电话", "logistics", "logistics.late"),
                  ("约好今天上门，等了一天人都没来", "logistics", "logistics.no_show"),
                  ("地没拖干净，桌上还有一层灰", "skill", "skill.not_clean"),
                  ("干活的时候一直在刷手机", "attitude", "attitude.phone_use")]
    tails = ["", "。", "！", "，就这样", "，写个评价", "，第二次下单", "，不会再约了", "，差评"]
    rows = [Example(text + tail, {aspect: -1}, -1, (key,), "user:own.csv")
            for (text, aspect, key), tail in itertools.product(complaints, tails)] * 8
    lines: list[str] = []
    settings = NLPSettings.tiny(holdout_fraction=0.25)
    out = train(tmp_path / "own", settings, rows, progress=lines.append)
    chosen = [line for line in lines if line.startswith("sub-reasons chosen on")]
    assert len(chosen) == 1, lines  # ~64 held-out user rows, every one naming a sub-reason
    saved = json.loads((out / "card.json").read_text(encoding="utf-8"))["settings"]
    assert saved["blend_wordbag_subreasons_home"] in SHARE_GRID
    assert saved["subreason_floor_home"] in FLOOR_GRID
    scores = re.search(r"micro F1 ([\d.]+) with the defaults, ([\d.]+) chosen", chosen[0])
    assert scores is not None and float(scores[2]) >= float(scores[1]), chosen[0]
