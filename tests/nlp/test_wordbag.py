"""The word bag (nlp.wordbag): real wording (written reviews, a company's own rows), learned in seconds."""
from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from nlp.corpus import Example
from nlp.text import normalise
from nlp.wordbag import FILE_NAME, WordBag, gram_ids
from nlp.wordbag_train import train_wordbag

PRAISE = ["骑手送得很快，饭菜还是热的", "分量足，味道正宗，下次还点", "包装很用心，汤一点没洒",
          "阿姨做饭好吃，孩子很喜欢", "师傅把油烟机洗得锃亮", "准时上门，收拾得干干净净"]
COMPLAINT = ["等了两个小时才送到，菜都凉了", "分量太少，米饭还夹生", "汤洒了一袋子，包装太差",
             "阿姨做的菜太咸，孩子不吃", "师傅洗完油烟机还在滴油", "说好九点上门，十一点才来"]
SUFFIXES = ["", "。", "！", "，就这样", "，写个评价", "，第二次下单"]


def _rows() -> list[Example]:
    rows = [Example(text + tail, {}, 1, None, "user:own.csv") for text, tail in itertools.product(PRAISE, SUFFIXES)]
    rows += [Example(text + tail, {"logistics": -1 if i in (0, 5) else None}, -1, None, "user:own.csv")
             for (i, text), tail in itertools.product(enumerate(COMPLAINT), SUFFIXES)]
    return rows


def test_gram_ids_are_stable_and_cover_words_and_character_pairs():
    ids = gram_ids("骑手送得很快")
    assert ids == sorted(set(ids)) and ids == gram_ids("骑手送得很快")
    assert len(ids) >= 5 and gram_ids("") == [0]


def test_learns_the_users_wording_and_survives_save_and_load(tmp_path: Path):
    bag = train_wordbag(_rows(), epochs=6, min_rows=20)
    assert bag is not None and bag.heads == ("sentiment", "aspects")
    texts = [normalise(t) for t in ["骑手送得很快，菜是热的", "等了两个小时，菜都凉了"]]
    probs = bag.probabilities(texts)
    signed = probs.sentiment[:, 2] - probs.sentiment[:, 0]
    assert signed[0] > 0 > signed[1]
    assert probs.aspects.shape == (2, 3, 4) and np.allclose(probs.aspects.sum(-1), 1.0, atol=1e-5)
    path = bag.save(tmp_path)
    assert path.name == FILE_NAME and path.stat().st_size < 200_000  # only touched rows are stored
    again = WordBag.load(tmp_path)
    assert again is not None and again.heads == bag.heads
    assert np.allclose(again.probabilities(texts).sentiment, probs.sentiment)
    assert WordBag.load(tmp_path / "missing") is None


def test_the_bag_cuts_at_inference_as_it_cut_in_training(tmp_path: Path):
    import torch

    bag = train_wordbag(_rows(), epochs=6, min_rows=20)
    assert bag is not None and bag.hmm is False  # new bags skip jieba's HMM (a faster cut)
    bag.save(tmp_path)
    assert WordBag.load(tmp_path).hmm is False
    data = torch.load(tmp_path / FILE_NAME, weights_only=True)
    del data["hmm"]  # a bag saved before the flag existed was cut with the HMM
    torch.save(data, tmp_path / FILE_NAME)
    assert WordBag.load(tmp_path).hmm is True
    # an unknown name: the HMM joins it into a word, plain dictionary cutting leaves single characters
    assert gram_ids("骑手小郗送得很快", hmm=True) != gram_ids("骑手小郗送得很快", hmm=False)


def test_too_few_labelled_rows_train_nothing():
    assert train_wordbag(_rows()[:10]) is None
    assert train_wordbag([Example("今天下雨了", {}, None, None, "user")] * 100) is None


def test_classifier_mixes_in_its_word_bag_with_the_chosen_share(tiny_model_dir: Path):
    from dataclasses import replace

    from nlp.classify import FeedbackClassifier

    clf = FeedbackClassifier.load(tiny_model_dir)
    bag = train_wordbag(_rows(), epochs=6, min_rows=20)
    texts = ["骑手送得很快，菜是热的", "等了两个小时，菜都凉了"]
    only_bag = FeedbackClassifier(clf.model, clf.tokenizer,
                                  replace(clf.settings, blend_wordbag_sentiment=1.0, blend_wordbag_aspects=1.0,
                                          blend_wordbag_aspects_home=1.0),
                                  wordbag=bag)
    probs = only_bag.probabilities([normalise(t) for t in texts])
    expected = bag.probabilities([normalise(t) for t in texts])
    assert np.allclose(probs.sentiment, expected.sentiment) and np.allclose(probs.aspects, expected.aspects)
    frame = only_bag.predict(texts)
    assert frame["sentiment"].iloc[0] > 0 > frame["sentiment"].iloc[1]
    # share 0: the bag is ignored even when present
    shareless = replace(clf.settings, blend_wordbag_sentiment=0.0, blend_wordbag_aspects=0.0,
                        blend_wordbag_aspects_home=0.0)
    unused = FeedbackClassifier(clf.model, clf.tokenizer, shareless, wordbag=bag)
    without = FeedbackClassifier(clf.model, clf.tokenizer, shareless, wordbag=None)
    assert np.allclose(unused.probabilities(texts).sentiment, without.probabilities(texts).sentiment)


def test_the_default_model_reads_sentiment_with_a_bag_of_the_written_reviews(tiny_model_dir: Path):
    import json

    from nlp.classify import FeedbackClassifier

    card = json.loads((tiny_model_dir / "card.json").read_text(encoding="utf-8"))
    assert card["data_sizes"]["written_reviews"] == 300 and card["data_sizes"]["user"] == 0
    clf = FeedbackClassifier.load(tiny_model_dir)
    assert clf.wordbag is not None and clf.settings.blend_wordbag_sentiment == 0.5
    assert clf.wordbag.gated and card["data_sizes"]["home_service_reviews"] >= 50  # home services vs the rest
    texts = [normalise(t) for t in ["房间很干净，前台也热情，下次还住", "等了一个多小时，饭都凉了，差评"]]
    bag = clf.wordbag.probabilities(texts).sentiment
    assert bag[0, 2] > bag[0, 0] and bag[1, 0] > bag[1, 2]  # 300 written reviews already read these


def _two_kinds() -> tuple[list[Example], list[bool]]:
    """Delivery reviews (general) and home-service ones (the product's own), six phrasings of each."""
    rows = _rows()
    general = [any(word in ex.text for word in ("骑手", "分量", "汤", "送到", "米饭")) for ex in rows]
    return rows, general


def test_a_gated_bag_tells_home_service_texts_from_general_reviews(tmp_path: Path):
    from nlp.wordbag import GATED_OUT, OUT

    rows, general = _two_kinds()
    assert 20 <= sum(general) <= len(rows) - 20
    gated = train_wordbag(rows, epochs=6, min_rows=20, general=general)
    plain = train_wordbag(rows, epochs=6, min_rows=20)
    assert gated is not None and plain is not None
    assert gated.gated and gated.weight.shape[1] == GATED_OUT and not plain.gated
    texts = [normalise(t) for t in ["阿姨做饭好吃，孩子很喜欢吃", "骑手送得很快，分量也足"]]
    share = gated.domain_share(gated.logits(texts))
    assert share[0] > 0.5 > share[1]
    # the heads of every row learn exactly what an ungated bag learns; the gate and the general heads are extra
    assert np.allclose(gated.logits(texts)[:, :OUT], plain.logits(texts), atol=1e-5)
    probs = gated.probabilities(texts)
    assert probs.sentiment.shape == (2, 3) and np.allclose(probs.sentiment.sum(-1), 1.0, atol=1e-5)
    assert probs.aspects.shape == (2, 3, 4) and np.allclose(probs.aspects.sum(-1), 1.0, atol=1e-5)
    gated.save(tmp_path)
    again = WordBag.load(tmp_path)
    assert again is not None and again.gated
    assert np.allclose(again.probabilities(texts).sentiment, probs.sentiment)


def test_a_bag_with_too_few_rows_of_one_kind_is_not_gated():
    rows, general = _two_kinds()
    assert not train_wordbag(rows, epochs=2, min_rows=20, general=[False] * len(rows)).gated
    few = [i < 5 for i in range(len(rows))]
    assert not train_wordbag(rows, epochs=2, min_rows=20, general=few).gated


def test_the_bag_names_the_phrases_behind_its_reading():
    """Evidence for a label the lexicon has no word for: runs of words inside one clause (session 15)."""
    from nlp.model import ASPECT_CLASSES, ASPECTS
    from nlp.wordbag_explain import WIDTH, bag_spans

    bag = train_wordbag(_rows(), epochs=6, min_rows=20)
    text = normalise("说好九点上门，十一点才来，写个评价")
    logistics, complaint = ASPECTS.index("logistics"), ASPECT_CLASSES.index(-1)
    spans = bag_spans(bag, text, logistics, complaint)
    assert 1 <= len(spans) <= 2
    for span in spans:
        assert span in text and "，" not in span  # a phrase of the text, never across a clause
    assert any("点" in span for span in spans)  # the hours the rows complained about
    assert bag_spans(bag, "，。！", logistics, complaint) == []  # punctuation pushes nothing
    for span in bag_spans(bag, "说好九点 上门，十一点 才来", logistics, complaint):
        assert span in "说好九点 上门，十一点 才来"  # never joined across a space
    assert WIDTH == 4


def test_evidence_falls_back_to_the_bag_only_where_the_lexicon_is_silent():
    from nlp.frame import _evidence
    from nlp.evidence import analyse

    texts = ["阿姨迟到了一个小时", "周四又改周六"]  # a lexicon cue; none
    classes = np.array([[0, 0, 1], [0, 0, 1]])  # logistics complaint for both
    asked: list[tuple[int, int, int]] = []

    def fallback(row: int, aspect: int, klass: int) -> list[str]:
        asked.append((row, aspect, klass))
        return ["周四又改周六"]

    import json

    found = [json.loads(e) for e in _evidence([analyse(t) for t in texts], classes, fallback)]
    assert "迟到" in "".join(found[0]["logistics"]) and found[1] == {"logistics": ["周四又改周六"]}
    assert asked == [(1, 2, 1)]
    assert json.loads(_evidence([analyse(texts[1])], classes[1:])[0]) == {"logistics": []}  # no bag: as before


def test_long_home_service_texts_are_read_by_the_bag_per_window(tiny_model_dir: Path):
    """Over a whole long text the bag's averaged words say "not mentioned"; per clause window they do not."""
    from dataclasses import replace

    from nlp.classify import FeedbackClassifier
    from nlp.segment import cut
    from nlp.wordbag_windows import pack

    clf = FeedbackClassifier.load(tiny_model_dir)
    assert clf.settings.wordbag_window == 32 and clf.wordbag is not None and clf.wordbag.gated
    long_text = normalise("阿姨迟到了一个小时，进门就玩手机，地也没拖干净，说了两句还甩脸色，下次不找她了")
    texts = [long_text, normalise("阿姨很准时")]
    home = replace(clf.settings, home_service_share_aspects=0.0, wordbag_window=12)  # every text is home
    ours = FeedbackClassifier(clf.model, clf.tokenizer, home, wordbag=clf.wordbag).wordbag_probabilities(texts)
    whole = clf.wordbag.probabilities(texts)
    windows = ["".join(words) for words in pack(cut(long_text, hmm=clf.wordbag.hmm), 12)]
    per_window = clf.wordbag.probabilities(windows).aspects
    assert len(windows) >= 3
    assert np.allclose(ours.aspects[0, :, 0], per_window[:, :, 0].min(0))  # absent only if absent everywhere
    assert np.allclose(ours.aspects[1], whole.aspects[1])  # a short text is one window: read whole
    assert np.allclose(ours.sentiment, whole.sentiment) and np.allclose(ours.home_share, whole.home_share)
    off = FeedbackClassifier(clf.model, clf.tokenizer, replace(home, wordbag_window=0), wordbag=clf.wordbag)
    assert np.allclose(off.wordbag_probabilities(texts).aspects, whole.aspects)
    general = FeedbackClassifier(clf.model, clf.tokenizer, replace(home, home_service_share_aspects=1.01),
                                 wordbag=clf.wordbag)
    assert np.allclose(general.wordbag_probabilities(texts).aspects, whole.aspects)  # general texts: whole


def test_windows_are_whole_clauses_of_the_texts_own_words():
    from nlp.segment import cut
    from nlp.wordbag_windows import pack

    text = normalise("阿姨迟到了一个小时，进门就玩手机，地也没拖干净。说了两句还甩脸色，下次不找她了")
    words = cut(text, hmm=False)
    windows = pack(words, 16)
    assert [w for window in windows for w in window] == words  # nothing lost, nothing re-cut
    assert all(sum(map(len, window)) <= 16 for window in windows)
    assert all(window[-1] in "，。" for window in windows[:-1])  # every window ends a clause
    assert pack(words, 1000) == [words] and pack([], 16) == [[]]
    assert pack(["一二三四五六"], 4) == [["一二三四五六"]]  # a word longer than a window stands alone


def test_reading_per_window_leaves_the_whole_text_reading_as_it_was(tiny_model_dir: Path):
    from nlp.classify import FeedbackClassifier

    bag = FeedbackClassifier.load(tiny_model_dir).wordbag
    texts = [normalise(t) for t in ["阿姨迟到了一个小时，进门就玩手机，地也没拖干净，说了两句还甩脸色", "很好", ""]]
    plain, read = bag.probabilities(texts), bag.read(texts, 12)
    assert np.array_equal(plain.sentiment, read.sentiment) and np.array_equal(plain.home_share, read.home_share)
    assert np.array_equal(plain.aspects[1:], read.aspects[1:]) and not np.allclose(plain.aspects[0], read.aspects[0])
    nowhere = bag.read(texts, 12, where=lambda out: np.zeros(len(texts), dtype=bool))
    assert np.array_equal(nowhere.aspects, plain.aspects)
