"""The project's own corpus: size, label validity, determinism, user files and corrections."""
from __future__ import annotations

import pandas as pd
import pytest

from nlp.corpus import ASPECT_KEYS, build_corpus, generate, load_handwritten
from nlp.corpus.corrections import correction_examples
from nlp.corpus.user_files import UserDataError, examples_from_frame
from nlp.taxonomy import load_taxonomy


def test_handwritten_examples_are_many_and_fully_labelled():
    examples = load_handwritten()
    assert len(examples) >= 200
    assert all(set(ex.aspects) == set(ASPECT_KEYS) and ex.sentiment in (-1, 0, 1) for ex in examples)
    assert len({ex.text for ex in examples}) == len(examples)


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
