"""The word bag's sub-reason heads (session 16): which sub-reason a home-service complaint names."""
from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np

from nlp.corpus import Example
from nlp.taxonomy import load_taxonomy
from nlp.text import normalise
from nlp.wordbag import FILE_NAME, WordBag, WordBagOutput
from nlp.wordbag_train import train_wordbag

KEYS = load_taxonomy().subreason_keys
# (text, aspect, sub-reason): home-service complaints as customers write them
COMPLAINTS = [("说好九点上门，十一点才到，也没打个电话", "logistics", "logistics.late"),
              ("约好今天上门，等了一天人都没来", "logistics", "logistics.no_show"),
              ("地没拖干净，桌上还有一层灰", "skill", "skill.not_clean"),
              ("阿姨做的菜太咸了，孩子一口都不吃", "skill", "skill.cooking"),
              ("干活的时候一直在刷手机", "attitude", "attitude.phone_use"),
              ("说了她两句就甩脸色，还顶嘴", "attitude", "attitude.rude")]
PRAISE = ["阿姨做饭好吃，孩子很喜欢", "准时上门，收拾得干干净净", "说话客气，做事也细心"]
SUFFIXES = ["", "。", "！", "，就这样", "，写个评价", "，第二次下单"]


def _rows() -> list[Example]:
    rows = [Example(text + tail, {aspect: -1}, -1, (key,), "user:own.csv")
            for (text, aspect, key), tail in itertools.product(COMPLAINTS, SUFFIXES)]
    rows += [Example(text + tail, {"attitude": None, "skill": None, "logistics": None}, 1, (), "user:own.csv")
             for text, tail in itertools.product(PRAISE, SUFFIXES)]
    return rows


def _column(key: str) -> int:
    return KEYS.index(key)


def test_sub_reason_heads_learn_which_complaint_and_leave_the_other_heads_as_they_were(tmp_path: Path):
    plain = train_wordbag(_rows(), epochs=6, min_rows=20)
    bag = train_wordbag(_rows(), epochs=6, min_rows=20, subreasons=KEYS)
    assert plain is not None and bag is not None and plain.subreasons == () and bag.subreasons == KEYS
    texts = [normalise(t) for t in ["阿姨十一点才到，等了两个小时", "桌上还有灰，地也没拖", "一直在刷手机"]]
    width = plain.weight.shape[1]
    assert np.array_equal(bag.logits(texts)[:, :width], plain.logits(texts))  # a layer of its own
    subs = bag.probabilities(texts).subreasons
    assert subs.shape == (3, len(KEYS)) and plain.probabilities(texts).subreasons is None
    assert subs[0, _column("logistics.late")] > 0.5 > subs[0, _column("logistics.no_show")]
    assert subs[1, _column("skill.not_clean")] > 0.5 > subs[1, _column("skill.cooking")]
    assert subs[2, _column("attitude.phone_use")] > 0.5 > subs[2, _column("attitude.rude")]
    bag.save(tmp_path)
    again = WordBag.load(tmp_path)
    assert again is not None and again.subreasons == KEYS
    assert np.allclose(again.probabilities(texts).subreasons, subs)


def test_a_bag_saved_before_sub_reasons_loads_without_them(tmp_path: Path):
    import torch

    bag = train_wordbag(_rows(), epochs=2, min_rows=20, subreasons=KEYS)
    plain = train_wordbag(_rows(), epochs=2, min_rows=20)
    plain.save(tmp_path)
    data = torch.load(tmp_path / FILE_NAME, weights_only=True)
    del data["subreasons"]  # as session 15 saved it
    torch.save(data, tmp_path / FILE_NAME)
    old = WordBag.load(tmp_path)
    assert old is not None and old.subreasons == () and old.probabilities(["阿姨迟到了"]).subreasons is None
    assert bag.gated is plain.gated is old.gated is False
    # too few rows with a labelled complaint: no sub-reason heads
    assert train_wordbag(_rows(), epochs=1, min_rows=40, subreasons=KEYS).subreasons == ()


def test_a_long_texts_sub_reasons_come_from_its_window_likeliest_to_complain():
    from nlp.wordbag_windows import pooled_subreasons

    aspects = np.zeros((3, 3, 4), dtype=np.float32)
    aspects[:, :, 0] = 1.0
    aspects[0, 2] = (0.1, 0.9, 0.0, 0.0)  # text 0, window 0: a logistics complaint ...
    aspects[1, 2] = (0.8, 0.2, 0.0, 0.0)  # ... window 1: hardly one
    subs = np.zeros((3, len(KEYS)), dtype=np.float32)
    subs[0, _column("logistics.late")] = 0.8
    subs[1, _column("logistics.no_show")] = 0.9  # the heads assume a complaint this window does not hold
    subs[2, _column("skill.damage")] = 0.7  # text 1 has one window
    parts = WordBagOutput(np.full((3, 3), 1 / 3, dtype=np.float32), aspects, None, subs)
    pooled = pooled_subreasons(parts, np.array([0, 0, 1]), 2, KEYS)
    assert pooled[0, _column("logistics.late")] == np.float32(0.8) and pooled[0, _column("logistics.no_show")] == 0
    assert pooled[1, _column("skill.damage")] == np.float32(0.7)


def test_a_complained_aspect_names_its_likeliest_sub_reason_from_the_floor():
    from nlp.classify import Probabilities
    from nlp.frame import to_frame

    aspects = np.zeros((3, 3, 4), dtype=np.float32)
    aspects[:, :, 0] = 1.0
    aspects[:, 1] = (0.0, 0.9, 0.1, 0.0)  # every text complains about skill only
    subs = np.zeros((3, len(KEYS)), dtype=np.float32)
    subs[:, _column("skill.not_clean")] = (0.35, 0.35, 0.2)
    subs[:, _column("skill.damage")] = (0.1, 0.1, 0.1)
    subs[:, _column("logistics.late")] = 0.35  # not a complained aspect: never named
    sentiment = np.tile(np.float32([0.8, 0.2, 0.0]), (3, 1))
    floor = np.float32([0.3, np.inf, 0.3])  # text 1 is not read as home services
    frame = to_frame(Probabilities(aspects, subs, sentiment, floor), list(KEYS), 0.4, mention_cutoff=0.4)
    assert frame["subreasons"].tolist() == ["skill.not_clean", "", ""]
    without = to_frame(Probabilities(aspects, subs, sentiment), list(KEYS), 0.4, mention_cutoff=0.4)
    assert without["subreasons"].tolist() == ["", "", ""]


def test_home_service_texts_take_their_sub_reasons_from_the_bag_and_the_rules_cues(tiny_model_dir: Path):
    import json

    from nlp.blend import rule_subreasons
    from nlp.classify import FeedbackClassifier
    from nlp.features import analyse_many

    clf = FeedbackClassifier.load(tiny_model_dir)
    assert clf.wordbag is not None and clf.wordbag.subreasons == KEYS  # `feedback train` gives the bag the heads
    card = json.loads((tiny_model_dir / "card.json").read_text(encoding="utf-8"))
    assert 0.0 <= card["held_out_metrics"]["subreason_micro_f1_home"] <= 1.0
    bag = train_wordbag(_rows(), epochs=6, min_rows=20, subreasons=KEYS,
                        general=[i % 2 == 0 for i in range(len(_rows()))])
    assert bag is not None and bag.gated
    texts = [normalise(t) for t in ["阿姨迟到了一个小时，桌上还有灰", "阿姨十一点才到"]]
    every_text_home = replace(clf.settings, home_service_share_aspects=0.0, blend_wordbag_subreasons_home=1.0)
    ours = FeedbackClassifier(clf.model, clf.tokenizer, every_text_home, wordbag=bag)
    read = ours.wordbag_probabilities(texts).subreasons
    cues = rule_subreasons(analyse_many(texts), list(KEYS))
    assert cues[0, _column("logistics.late")] == 1.0  # 迟到 is the rules' cue of lateness
    probs = ours.probabilities(texts, analyse_many(texts))
    assert np.allclose(probs.subreasons, np.maximum(read, cues))
    assert probs.subreason_floor is not None and np.allclose(probs.subreason_floor, 0.3)
    shareless = FeedbackClassifier(clf.model, clf.tokenizer, replace(every_text_home, blend_wordbag_subreasons_home=0),
                                   wordbag=bag)
    without = FeedbackClassifier(clf.model, clf.tokenizer, shareless.settings, wordbag=None)
    assert np.allclose(shareless.probabilities(texts).subreasons, without.probabilities(texts).subreasons)
    assert shareless.probabilities(texts).subreason_floor is None
