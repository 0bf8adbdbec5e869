"""The project's own corpus: size, label validity, determinism, user files and corrections."""
from __future__ import annotations

import pandas as pd
import pytest

from nlp.corpus import ASPECT_KEYS, build_corpus, generate, load_handwritten, load_home_reviews, load_written_reviews
from nlp.corpus.corrections import correction_examples
from nlp.corpus.handwritten import is_about_home_services
from nlp.corpus.user_files import UserDataError, examples_from_frame
from nlp.taxonomy import load_taxonomy


def test_handwritten_examples_are_many_and_fully_labelled():
    examples = load_handwritten()
    assert len(examples) >= 200
    assert all(set(ex.aspects) == set(ASPECT_KEYS) and ex.sentiment in (-1, 0, 1) for ex in examples)
    assert len({ex.text for ex in examples}) == len(examples)


def test_written_reviews_are_many_varied_and_fully_labelled():
    reviews = load_written_reviews()
    assert len(reviews) >= 4000 and len({ex.text for ex in reviews}) == len(reviews)
    assert not {ex.text for ex in reviews} & {ex.text for ex in load_handwritten()}
    assert all(set(ex.aspects) == set(ASPECT_KEYS) and ex.source in ("written", "home") for ex in reviews)
    home = {ex.text for ex in reviews if ex.source == "home"}
    assert {ex.text for ex in load_home_reviews()} < home  # ... and the written reviews about home services
    assert all(is_about_home_services(text) for text in home - {ex.text for ex in load_home_reviews()})
    assert not any(is_about_home_services(ex.text) for ex in reviews if ex.source == "written")
    assert {ex.sentiment for ex in reviews} == {-1, 0, 1}
    lengths = sorted(len(ex.text) for ex in reviews)
    assert lengths[len(lengths) // 10] <= 12 and lengths[-len(lengths) // 10] >= 80  # short and long
    text = "".join(ex.text for ex in reviews)
    for word in ("酒店", "外卖", "服务员", "阿姨", "月嫂", "骑手", "前台", "上菜"):  # every kind of service
        assert text.count(word) >= 20, word


def test_corpus_takes_a_seeded_sample_of_the_written_reviews():
    def written(corpus):
        return [ex.text for ex in corpus if ex.source in ("written", "home")]

    assert len(written(build_corpus(50, seed=1, n_written=100))) == 100
    assert written(build_corpus(50, seed=1, n_written=100)) == written(build_corpus(50, seed=1, n_written=100))
    assert written(build_corpus(50, seed=1, n_written=100)) != written(build_corpus(50, seed=2, n_written=100))
    assert len(written(build_corpus(50, seed=1))) == len(load_written_reviews())


def test_generator_is_deterministic_and_seed_dependent():
    assert [e.text for e in generate(200, seed=3)] == [e.text for e in generate(200, seed=3)]
    assert [e.text for e in generate(200, seed=3)] != [e.text for e in generate(200, seed=4)]


def test_corpus_has_5000_varied_examples_covering_every_label():
    corpus = build_corpus(5200, seed=13)
    assert len(corpus) >= 5000
    assert len({e.text for e in corpus}) == len(corpus)
    for aspect in ASPECT_KEYS:
        assert {e.aspects[aspect] for e in corpus} == {None, -1, 0, 1}
    assert {e.sentiment for e in corpus} == {-1, 0, 1}
    assert len({ch for e in corpus for ch in e.text}) > 900  # broad vocabulary (about 1,000 distinct characters)


def test_subreasons_are_taxonomy_keys_on_complained_aspects():
    keys = set(load_taxonomy().subreason_keys)
    seen = set()
    for ex in build_corpus(3000, seed=1):
        for reason in ex.subreasons:
            assert reason in keys
            assert ex.aspects[reason.split(".")[0]] == -1
            seen.add(reason)
    assert len(seen) >= 14


def test_user_frame_with_aspect_columns_and_stars():
    frame = pd.DataFrame({"text": ["阿姨迟到了", "很好", ""], "logistics": ["-1", "", "1"],
                          "rating": ["1", "5", "5"]})
    examples = examples_from_frame(frame)
    assert len(examples) == 2
    assert examples[0].aspects == {"logistics": -1} and examples[0].sentiment == -1
    assert examples[1].aspects == {"logistics": None} and examples[1].sentiment == 1


def test_user_frame_with_binary_label_and_custom_text_column():
    frame = pd.DataFrame({"review": ["好吃", "难吃"], "label": ["1", "0"]})
    examples = examples_from_frame(frame)
    assert [e.sentiment for e in examples] == [1, -1]
    assert all(e.aspects == {} and e.subreasons is None for e in examples)


def test_user_frame_without_labels_is_rejected():
    with pytest.raises(UserDataError):
        examples_from_frame(pd.DataFrame({"text": ["a"], "other": ["x"]}))


def test_latest_correction_wins_per_category():
    frame = pd.DataFrame({
        "feedback_id": ["review:R1", "review:R1", "review:R1"], "text": ["阿姨态度差"] * 3,
        "category": ["attitude", "attitude", "skill"], "polarity": [0, -1, None],
        "corrected_by": ["qa"] * 3, "corrected_at": ["2025-01-01", "2025-01-02", "2025-01-01"]})
    (example,) = correction_examples(frame)
    assert example.aspects == {"attitude": -1, "skill": None}
    assert example.sentiment is None


def test_home_reviews_speak_of_home_services_with_praise_and_complaints():
    from nlp.corpus import load_home_reviews

    reviews = load_home_reviews()
    assert len(reviews) >= 1500
    text = "".join(ex.text for ex in reviews)
    for word in ("阿姨", "月嫂", "育儿嫂", "护工", "保洁", "师傅", "客户", "空调"):
        assert text.count(word) >= 20, word
    for aspect in ASPECT_KEYS:
        polarities = [ex.aspects[aspect] for ex in reviews]
        assert polarities.count(1) >= 100 and polarities.count(-1) >= 100, aspect
