"""bench/home_service_audit.py: the audit file is well formed, kept out of training, and scored right."""
import numpy as np
import pandas as pd

from bench.home_service_audit import ASPECTS, joined_rows, joined_table, load_audit, misread, scores, table


def test_the_audit_rows_are_labelled_and_split():
    audit = load_audit()
    assert len(audit) == 219
    assert set(audit["part"]) == {"dev", "heldout"}
    for column in (*ASPECTS, "sentiment"):
        assert set(audit[column].dropna()) <= {-1, 0, 1}, column
    assert audit[list(ASPECTS) + ["sentiment"]].notna().any(axis=1).all()  # every row says something
    assert audit["text"].is_unique


def test_the_audit_is_never_training_data():
    from nlp.corpus import load_handwritten, load_written_reviews

    corpus = {ex.text for ex in load_handwritten()} | {ex.text for ex in load_written_reviews()}
    assert not corpus & set(load_audit()["text"])


def test_a_perfect_reading_scores_one_and_misreads_nothing():
    audit = load_audit()
    perfect = audit[list(ASPECTS)].astype("Int64")
    perfect["sentiment"] = audit["sentiment"].fillna(0.5).replace(0, -0.1).astype(float)
    assert all(value == 1.0 for value in scores(audit, perfect).values())
    assert misread(audit, perfect) == []


def test_the_rules_are_scored_by_part():
    from nlp.rules import RuleClassifier

    audit = load_audit()
    frame = RuleClassifier().predict(audit["text"].tolist())
    values = scores(audit, frame)
    assert all(0.0 <= v <= 1.0 for v in values.values())
    assert values["texts fully right"] < 1.0  # the rules do not read it all
    text = table({"rules": frame}, audit)
    assert "rules: heldout" in text and "rows: dev 105, heldout 114, all 219" in text
    wrong = frame.copy()
    wrong["skill"] = pd.array([np.nan] * len(wrong), dtype="Int64")
    assert len(misread(audit, wrong)) > len(misread(audit, frame))  # dev skill labels the rules had right


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def test_the_home_reviews_are_no_near_copies_of_the_audit():
    from nlp.corpus import load_home_reviews

    audit = [_bigrams(text) for text in load_audit()["text"]]
    home = [_bigrams(ex.text) for ex in load_home_reviews()]
    assert len(home) >= 1500
    for review in home:
        for row in audit:
            shared = len(review & row)
            assert shared <= len(review) / 2 and shared <= len(row) / 2


def test_joined_dev_rows_name_what_any_of_their_rows_names():
    audit = load_audit()
    texts, named = joined_rows(audit, 3, n=20)
    dev = set(audit.loc[audit["part"] == "dev", "text"])
    assert len(texts) == 20 and named.shape == (20, 3) and named.any(1).all()
    assert all(sum(row in text for row in dev) >= 3 for text in texts)  # dev rows only, never held-out ones
    assert joined_rows(audit, 3, n=20)[0] == texts  # seeded

    def everything(batch: list[str]) -> pd.DataFrame:
        return pd.DataFrame({a: pd.array([1] * len(batch), dtype="Int64") for a in ASPECTS})

    text = joined_table({"all": everything}, audit)
    assert "| all | 1.000 / " in text and "dev rows only" in text
