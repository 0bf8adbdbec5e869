"""The classifier on home-service feedback of our own writing, the product's domain.

    .venv/bin/python bench/home_service_audit.py [--model-dir var/models/default] [--errors]

None of the evaluation files in ../shared/eval is about home services. `bench/data/home_service_audit.tsv`
holds 219 short reviews the project wrote for this (nannies, maternity nurses, elder carers, cleaners,
appliance cleaners; 109 in a first batch, 60 held-out ones in a second, 50 dev ones in a third),
labelled by hand per aspect and overall, and checked against the training corpus (no sentence shares more than half its
character bigrams with a corpus line). Its `dev` rows may be
read for errors; its `heldout` rows are only scored. The model never trains on either. The table gives
ours, its network alone and the keyword rules, by part. `--errors` lists the dev rows ours misreads. A second table joins 3 or 6 dev rows into one long text
and scores which aspects are found (session 15: the word bag lost clauses of long texts).
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

AUDIT = Path(__file__).with_name("data") / "home_service_audit.tsv"
ASPECTS = ("attitude", "skill", "logistics")
PARTS = ("dev", "heldout", "all")
JOINED = (3, 6)  # dev rows per long text (about 58 and 115 characters)
N_JOINED = 150


def load_audit(path: Path = AUDIT) -> pd.DataFrame:
    """The audit rows; aspect and sentiment labels as floats, NaN where empty."""
    frame = pd.read_csv(path, sep="\t", comment="#", dtype={"text": str, "part": str})
    for column in (*ASPECTS, "sentiment"):
        frame[column] = pd.to_numeric(frame[column])
    return frame


def _f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    tp = float((truth & predicted).sum())
    return 2 * tp / max(1.0, float(truth.sum() + predicted.sum()))


def scores(truth: pd.DataFrame, predicted: pd.DataFrame) -> dict[str, float]:
    """Pooled over the three aspects: label accuracy, mention / complaint / praise F1; sentiment sign."""
    t = truth[list(ASPECTS)].to_numpy(dtype=float)
    p = predicted[list(ASPECTS)].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    same = (np.isnan(t) & np.isnan(p)) | (t == p)
    polar = truth["sentiment"].isin([-1, 1]).to_numpy()
    sign = np.where(predicted["sentiment"].to_numpy() > 0, 1, -1)
    rows_right = same.all(1) & (~polar | (sign == truth["sentiment"].to_numpy()))
    return {"aspect labels right": same.mean(),
            "mentioned F1": _f1(~np.isnan(t), ~np.isnan(p)),
            "complaint F1": _f1(t == -1, p == -1),
            "praise F1": _f1(t == 1, p == 1),
            "sentiment sign right": float((sign[polar] == truth["sentiment"].to_numpy()[polar]).mean()),
            "texts fully right": rows_right.mean()}


def table(methods: dict[str, pd.DataFrame], truth: pd.DataFrame) -> str:
    """Markdown: a line per measure, for each method its dev / heldout / all score."""
    parts = {"dev": truth["part"] == "dev", "heldout": truth["part"] == "heldout",
             "all": pd.Series(True, index=truth.index)}
    by_method = {name: {part: scores(truth[mask], frame[mask]) for part, mask in parts.items()}
                 for name, frame in methods.items()}
    head = ["measure"] + [f"{name}: {part}" for name in methods for part in PARTS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for measure in next(iter(by_method.values()))["dev"]:
        cells = [f"{by_method[name][part][measure]:.3f}" for name in methods for part in PARTS]
        lines.append(f"| {measure} | " + " | ".join(cells) + " |")
    sizes = ", ".join(f"{part} {int(mask.sum())}" for part, mask in parts.items())
    return "\n".join(lines) + f"\n\nrows: {sizes}"


def joined_rows(truth: pd.DataFrame, rows: int, n: int = N_JOINED, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """`n` long texts, each `rows` dev rows joined end to end, and (n, 3) which aspects each names (any
    of its rows does): the audit's own texts are short, and a reader can lose a clause in a long one."""
    dev = truth[truth["part"] == "dev"].reset_index(drop=True)
    rng = np.random.default_rng(seed)
    groups = [rng.choice(len(dev), rows, replace=False) for _ in range(n)]
    named = np.array([[dev[a][g].notna().any() for a in ASPECTS] for g in groups])
    return ["".join(dev["text"][g]) for g in groups], named


def joined_table(methods: dict[str, Callable[[list[str]], pd.DataFrame]], truth: pd.DataFrame) -> str:
    """Markdown: mention recall / precision of each method on joined dev rows, by rows per text."""
    lines = ["| method | " + " | ".join(f"{k} rows joined: recall / precision" for k in JOINED) + " |",
             "|" + "---|" * (1 + len(JOINED))]
    joined = {k: joined_rows(truth, k) for k in JOINED}
    for name, predict in methods.items():
        cells = []
        for texts, named in joined.values():
            got = predict(texts)[list(ASPECTS)].notna().to_numpy()
            hits = float((got & named).sum())
            cells.append(f"{hits / max(1, named.sum()):.3f} / {hits / max(1, got.sum()):.3f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + f"\n\n{N_JOINED} texts per column, dev rows only"


def misread(truth: pd.DataFrame, predicted: pd.DataFrame) -> list[str]:
    """Dev rows whose aspects or sentiment sign ours gets wrong, truth -> prediction."""
    out = []
    for i in truth.index[truth["part"] == "dev"]:
        want = [truth.at[i, a] for a in ASPECTS]
        got = [predicted.at[i, a] for a in ASPECTS]
        same = all(pd.isna(w) == pd.isna(g) and (pd.isna(w) or w == g) for w, g in zip(want, got))
        s, label = predicted.at[i, "sentiment"], truth.at[i, "sentiment"]
        if not same or (label in (-1, 1) and (1 if s > 0 else -1) != label):
            fmt = lambda v: "." if pd.isna(v) else f"{int(v):+d}"  # noqa: E731
            out.append(f"{truth.at[i, 'text']}  want {' '.join(map(fmt, want))} s{fmt(label)}"
                       f"  got {' '.join(map(fmt, got))} s{s:+.2f}")
    return out


def main(argv: list[str] | None = None) -> int:
    from nlp.classify import load_classifier
    from nlp.evaluate import network_only
    from nlp.rules import RuleClassifier
    from nlp.settings import NLPSettings

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=NLPSettings().model_dir)
    parser.add_argument("--errors", action="store_true", help="list the dev rows ours misreads")
    args = parser.parse_args(argv)
    truth = load_audit()
    texts = truth["text"].tolist()
    ours = load_classifier(args.model_dir)
    methods = {"ours": ours.predict(texts), "network alone": network_only(ours).predict(texts),
               "rules": RuleClassifier().predict(texts)}
    print(table(methods, truth))
    readers = {"ours": lambda texts: ours.predict(texts, with_evidence=False),
               "network alone": network_only(ours).predict, "rules": RuleClassifier().predict}
    print("\nLong texts, dev rows joined (aspects named by any of their rows):\n")
    print(joined_table(readers, truth))
    if args.errors:
        print("\nmisread dev rows (attitude skill logistics, sentiment):")
        print("\n".join(misread(truth, methods["ours"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
