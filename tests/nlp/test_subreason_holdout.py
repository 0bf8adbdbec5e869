"""bench/subreason_holdout.py: sub-reasons scored on the rows training held out, and scored right."""
import pandas as pd

from bench.subreason_holdout import held_out_rows, scores
from nlp.corpus import Example


def _example(text: str, aspects: dict, subreasons: tuple) -> Example:
    return Example(text, {a: aspects.get(a) for a in ("attitude", "skill", "logistics")}, -1, subreasons, "home")


def test_sub_reasons_are_scored_pooled_and_unnamed_complaints_counted():
    rows = [_example("阿姨迟到了一个小时，地也没拖干净", {"skill": -1, "logistics": -1},
                     ("logistics.late", "skill.not_clean")),
            _example("干活一直刷手机", {"attitude": -1}, ("attitude.phone_use",))]
    frame = pd.DataFrame({"attitude": pd.array([None, -1], dtype="Int64"),
                          "skill": pd.array([-1, None], dtype="Int64"),
                          "logistics": pd.array([-1, None], dtype="Int64"),
                          "subreasons": ["logistics.late;skill.damage", ""]})
    got = scores(rows, frame)
    assert got["precision"] == 0.5 and got["recall"] == 1 / 3
    assert abs(got["F1"] - 0.4) < 1e-9
    # found complaints: logistics (named right), skill (named wrong), attitude (named none)
    assert abs(got["complaints without a sub-reason"] - 1 / 3) < 1e-9
    perfect = frame.assign(subreasons=["logistics.late;skill.not_clean", "attitude.phone_use"])
    assert scores(rows, perfect) == {"precision": 1.0, "recall": 1.0, "F1": 1.0,
                                     "complaints without a sub-reason": 0.0}


def test_the_held_out_rows_are_the_ones_training_did_not_see():
    from nlp.settings import NLPSettings
    from nlp.train import build_corpus, split_holdout

    settings = NLPSettings.tiny()
    rows = held_out_rows(settings)
    train, _ = split_holdout(build_corpus(settings.n_generated, settings.seed, settings.n_written),
                             settings.holdout_fraction, settings.seed)
    seen = {ex.text for ex in train}
    assert rows["home"] and all(ex.source == "home" and ex.text not in seen for ex in rows["home"])
    assert any(ex.subreasons for ex in rows["home"])
