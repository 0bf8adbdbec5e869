"""Evaluation on the real labelled files in ../shared/eval: our model beside baselines, one table."""
from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nlp.metrics import accuracy, binary_f1, macro_f1

if TYPE_CHECKING:
    from nlp.classify import FeedbackClassifier

DEFAULT_EVAL_DIR = Path("../shared/eval")
SENTIMENT_FILES = {"waimai": "sentiment/waimai_10k.csv", "hotel": "sentiment/ChnSentiCorp_htl_all.csv"}
ASPECT_FILES = ("aspects/train_sample.csv", "aspects/dev_sample.csv", "aspects/test_sample.csv")
NOT_MENTIONED = -2


@dataclass
class EvalData:
    waimai: pd.DataFrame  # text, label (1 positive, 0 negative)
    hotel: pd.DataFrame
    aspects: pd.DataFrame  # text, attitude, logistics, skill (-2 not mentioned, -1, 0, 1)


@dataclass
class Row:
    """One method's line of the table; None = not applicable."""

    method: str
    scores: dict[str, float | None] = field(default_factory=dict)
    texts_per_s: float | None = None


def eval_available(eval_dir: Path = DEFAULT_EVAL_DIR) -> bool:
    return all((eval_dir / f).is_file() for f in [*SENTIMENT_FILES.values(), *ASPECT_FILES])


def load_eval(eval_dir: Path = DEFAULT_EVAL_DIR, sample: int | None = None, seed: int = 0) -> EvalData:
    """The three evaluation sets; `sample` keeps a seeded subset of each sentiment file (quick runs)."""
    sets = {}
    for name, rel in SENTIMENT_FILES.items():
        frame = pd.read_csv(eval_dir / rel, dtype={"review": str}, keep_default_na=False)
        frame = frame.rename(columns={"review": "text"})[["text", "label"]]
        frame = frame[frame["text"].str.strip() != ""].reset_index(drop=True)
        if sample and sample < len(frame):
            frame = frame.sample(sample, random_state=seed).reset_index(drop=True)
        sets[name] = frame
    parts = [pd.read_csv(eval_dir / rel, encoding="utf-8-sig") for rel in ASPECT_FILES]
    asap = pd.concat(parts, ignore_index=True)
    aspects = pd.DataFrame({
        "text": asap["reviewbody"].astype(str).str.replace("\\n", "\n", regex=False),
        "attitude": asap["service_waiters_attitude"],
        "logistics": _logistics(asap["service_serving_speed"], asap["service_wait_time"]),
        "skill": asap["dish_taste"],
    })
    return EvalData(sets["waimai"], sets["hotel"], aspects)


def _logistics(speed: pd.Series, wait: pd.Series) -> pd.Series:
    """Mentioned if either column is; a complaint if either is -1, else the mentioned one's polarity."""
    out = np.where(speed != NOT_MENTIONED, speed, wait)
    return pd.Series(np.where((speed == -1) | (wait == -1), -1, out))


def sentiment_scores(name: str, truth: pd.Series, positive: np.ndarray) -> dict[str, float]:
    return {f"{name}_acc": accuracy(truth.to_numpy() == 1, positive),
            f"{name}_macro_f1": macro_f1(truth.to_numpy() == 1, positive)}


def aspect_scores(truth: pd.DataFrame, predicted: pd.DataFrame) -> dict[str, float]:
    """Mention and complaint F1 for attitude and logistics; complaint F1 of skill vs dish_taste."""
    scores: dict[str, float] = {}
    for aspect in ("attitude", "logistics"):
        t, p = truth[aspect].to_numpy(), predicted[aspect]
        scores[f"asap_{aspect}_mentioned_f1"] = binary_f1(t != NOT_MENTIONED, p.notna().to_numpy())
        scores[f"asap_{aspect}_complaint_f1"] = binary_f1(t == -1, (p.fillna(9) == -1).to_numpy())
    taste = truth["skill"].to_numpy()
    scores["asap_skill_complaint_f1"] = binary_f1(taste == -1, (predicted["skill"].fillna(9) == -1).to_numpy())
    return scores


def timed(fn: Callable[[list[str]], pd.DataFrame], texts: list[str]) -> tuple[pd.DataFrame, float]:
    started = time.perf_counter()
    result = fn(texts)
    return result, len(texts) / max(time.perf_counter() - started, 1e-9)


def evaluate_frame_method(name: str, predict: Callable[[list[str]], pd.DataFrame], data: EvalData) -> Row:
    """A method with the classifier's columns (ours, the rule baseline): every score."""
    row = Row(name)
    rates = []
    for set_name in ("waimai", "hotel"):
        frame = getattr(data, set_name)
        result, rate = timed(predict, frame["text"].tolist())
        rates.append(rate)
        row.scores.update(sentiment_scores(set_name, frame["label"], result["sentiment"].to_numpy() > 0))
    result, _ = timed(predict, data.aspects["text"].tolist())
    row.scores.update(aspect_scores(data.aspects, result))
    row.texts_per_s = float(np.mean(rates))
    return row


def evaluate_snownlp(data: EvalData) -> Row:
    """SnowNLP `sentiments >= 0.5`, zero-shot (sentiment only)."""
    from snownlp import SnowNLP

    row = Row("SnowNLP (zero-shot)")
    rates = []
    for set_name in ("waimai", "hotel"):
        frame = getattr(data, set_name)
        positive, rate = timed(lambda texts: np.array([SnowNLP(t).sentiments >= 0.5 for t in texts]),
                               frame["text"].tolist())
        rates.append(rate)
        row.scores.update(sentiment_scores(set_name, frame["label"], positive))
    row.texts_per_s = float(np.mean(rates))
    return row


def split_own_data(frame: pd.DataFrame, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Seeded 80/20 split for the "your own data" path."""
    order = list(range(len(frame)))
    random.Random(seed).shuffle(order)
    cut = int(0.8 * len(order))
    return frame.iloc[order[:cut]].reset_index(drop=True), frame.iloc[order[cut:]].reset_index(drop=True)


def tfidf_lr_accuracy(train: pd.DataFrame, test: pd.DataFrame) -> float:
    """jieba words + TF-IDF (1-2 grams) + LogisticRegression, trained on `train`."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from nlp.segment import cut

    vectorizer = TfidfVectorizer(tokenizer=cut, preprocessor=None, lowercase=False, token_pattern=None,
                                 ngram_range=(1, 2), min_df=1, sublinear_tf=True)
    model = LogisticRegression(max_iter=2000, C=5.0)
    model.fit(vectorizer.fit_transform(train["text"]), train["label"])
    return accuracy(test["label"].to_numpy(), model.predict(vectorizer.transform(test["text"])))


def own_data_accuracy(train: pd.DataFrame, test: pd.DataFrame, model_dir: Path, epochs: int,
                      progress: Callable[[str], None]) -> dict[str, float]:
    """Fine-tune our architecture on the user's labelled rows (+ the project corpus) and test it,
    whole and by part: `ours`, `network` (blend off), `wordbag` (the user word bag alone)."""
    from dataclasses import replace

    from nlp.classify import FeedbackClassifier
    from nlp.corpus.user_files import examples_from_frame
    from nlp.settings import NLPSettings
    from nlp.train import train as train_model

    settings = NLPSettings().with_overrides(epochs=epochs, n_generated=6000)
    examples = examples_from_frame(train.astype(str), "text", "user:own-data")
    train_model(model_dir, settings, examples, progress=progress)
    tuned = FeedbackClassifier.load(model_dir)
    truth = test["label"].to_numpy() == 1
    texts = test["text"].tolist()
    variants = {"ours": tuned, "network": network_only(tuned)}
    if tuned.wordbag is not None:
        bag_only = replace(tuned.settings.without_blend(), blend_wordbag_sentiment=1.0, blend_wordbag_aspects=1.0,
                           blend_wordbag_aspects_home=1.0)
        variants["wordbag"] = FeedbackClassifier(tuned.model, tuned.tokenizer, bag_only, tuned.version,
                                                 tuned.wordbag, tuned.network)
    return {name: accuracy(truth, clf.predict(texts, with_evidence=False)["sentiment"].to_numpy() > 0)
            for name, clf in variants.items()}


def network_only(classifier: "FeedbackClassifier") -> "FeedbackClassifier":
    """The same trained model with the lexicon blend switched off (nlp.blend), for comparison."""
    from nlp.classify import FeedbackClassifier

    return FeedbackClassifier(classifier.model, classifier.tokenizer, classifier.settings.without_blend(),
                              classifier.version, network=classifier.network)


COLUMNS = [("waimai_acc", "waimai acc"), ("hotel_acc", "hotel acc"),
           ("asap_attitude_mentioned_f1", "ASAP attitude mentioned F1"),
           ("asap_attitude_complaint_f1", "ASAP attitude complaint F1"),
           ("asap_logistics_mentioned_f1", "ASAP logistics mentioned F1"),
           ("asap_logistics_complaint_f1", "ASAP logistics complaint F1"),
           ("own_data_acc", "own data: waimai 80/20 acc")]


def markdown_table(rows: list[Row]) -> str:
    """One markdown table; '—' where a method does not produce a measure."""
    header = "| method | " + " | ".join(title for _, title in COLUMNS) + " | texts/s |"
    lines = [header, "|" + "---|" * (len(COLUMNS) + 2)]
    for row in rows:
        cells = [f"{row.scores[key]:.3f}" if row.scores.get(key) is not None else "—" for key, _ in COLUMNS]
        speed = f"{row.texts_per_s:,.0f}" if row.texts_per_s else "—"
        lines.append(f"| {row.method} | " + " | ".join(cells) + f" | {speed} |")
    return "\n".join(lines)


def run_evaluation(eval_dir: Path, model_dir: Path, sample: int | None, own_data: bool, work_dir: Path,
                   own_epochs: int, progress: Callable[[str], None]) -> list[Row]:
    """Every method on the same data; the own-data path trains in `work_dir`."""
    from nlp.blend import BlendWeights
    from nlp.classify import load_classifier
    from nlp.rules import RuleClassifier

    data = load_eval(eval_dir, sample)
    classifier = load_classifier(model_dir)
    progress("evaluating our model ...")
    ours = evaluate_frame_method(f"ours ({model_dir})", classifier.predict, data)
    rows = [ours]
    if classifier.settings.blend_weights() != BlendWeights():
        progress("evaluating the network alone (no blend with the lexicon) ...")
        rows.append(evaluate_frame_method("ours, network alone (blend off)", network_only(classifier).predict, data))
    progress("evaluating the keyword-rule baseline ...")
    rows.append(evaluate_frame_method("keyword rules (nlp.rules)", RuleClassifier().predict, data))
    progress("evaluating SnowNLP ...")
    rows.append(evaluate_snownlp(data))
    progress("zero-shot rows (the own-data rows follow):\n" + markdown_table(rows))
    if own_data:
        full = load_eval(eval_dir).waimai
        train_part, test_part = split_own_data(full)
        progress(f"own-data path: {len(train_part)} waimai rows to train, {len(test_part)} to test")
        tfidf = Row("jieba + TF-IDF + LogisticRegression (own data)",
                    {"own_data_acc": tfidf_lr_accuracy(train_part, test_part)})
        tuned = own_data_accuracy(train_part, test_part, work_dir, own_epochs, progress)
        rows += [tfidf, Row("ours retrained with own data (`feedback train --data`)", {"own_data_acc": tuned["ours"]}),
                 Row("ours retrained: its network alone (blend off)", {"own_data_acc": tuned["network"]})]
        if "wordbag" in tuned:
            rows.append(Row("ours retrained: its word bag alone (nlp.wordbag)", {"own_data_acc": tuned["wordbag"]}))
    return rows
