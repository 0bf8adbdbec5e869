"""Throughput of the keyword rules: `RuleClassifier.predict`, `find_evidence`, `normalise`/`mask_pii`.

    .venv/bin/python bench/rules_throughput.py [--n 4000] [--chars 40] [--repeat 3] [--source auto|waimai|generated]

Texts are `--chars`-character snippets: reviews of ../shared/eval/sentiment/waimai_10k.csv joined
and cut when that file exists (read only), otherwise built from the home-service clauses below.
Each figure is the best of `--repeat` runs (the machine is shared). A last table gives the latency
on 100,000-character dense texts (the worst case the linear-time fixes address).
"""
from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable
from pathlib import Path

WAIMAI_CSV = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "sentiment" / "waimai_10k.csv"
CLAUSES = (
    "阿姨今天迟到了半小时", "打扫得很干净", "态度很好", "就是有点不耐烦", "一直在玩手机", "做饭很好吃",
    "厨房的油烟机没擦干净", "时间没做满就急着走", "态度一般般", "带孩子很有耐心", "打碎了一个碗",
    "没带工具", "临时改了三次时间", "等了40分钟才到", "下次还找她", "服务不到位", "总体还可以",
)


def waimai_reviews() -> list[str] | None:
    if not WAIMAI_CSV.is_file():
        return None
    import pandas as pd

    reviews = pd.read_csv(WAIMAI_CSV)["review"].dropna().astype(str).tolist()
    return reviews or None


def generated_clauses(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(CLAUSES) for _ in range(n)]


def snippets(pieces: list[str], n: int, chars: int) -> list[str]:
    """``n`` texts of exactly ``chars`` characters, pieces joined with ，in order (cycling)."""
    texts, k = [], 0
    while len(texts) < n:
        text = pieces[k % len(pieces)]
        k += 1
        while len(text) < chars:
            text += "，" + pieces[k % len(pieces)]
            k += 1
        texts.append(text[:chars])
    return texts


def best_rate(fn: Callable[[list[str]], object], texts: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn(texts)
        best = min(best, time.perf_counter() - started)
    return len(texts) / best


def best_seconds(fn: Callable[[str], object], text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--chars", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--source", choices=("auto", "waimai", "generated"), default="auto")
    args = parser.parse_args(argv)

    from nlp.evidence import find_evidence
    from nlp.lexicon_files import load_lexicon
    from nlp.rules import RuleClassifier
    from nlp.text import mask_pii, normalise

    reviews = waimai_reviews() if args.source != "generated" else None
    if args.source == "waimai" and reviews is None:
        print(f"skipped: {WAIMAI_CSV} not found")
        return 0
    source = "waimai_10k.csv" if reviews else "generated"
    texts = snippets(reviews or generated_clauses(args.n * 4, seed=7), args.n, args.chars)
    lexicon = load_lexicon()
    rules = RuleClassifier(lexicon=lexicon)
    rules.predict(texts[:200])  # warm-up: lexicon, OpenCC tables

    calls: dict[str, Callable[[list[str]], object]] = {
        "RuleClassifier.predict (batch)": rules.predict,
        "find_evidence (per text)": lambda ts: [find_evidence(t, lexicon) for t in ts],
        "normalise + mask_pii": lambda ts: [mask_pii(normalise(t)) for t in ts],
    }
    print(f"texts: {args.n} x {args.chars} chars from {source}; best of {args.repeat}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"| {'call':<32} | {'texts/s':>9} | {'us/text':>8} |")
    print(f"|{'-' * 34}|{'-' * 11}|{'-' * 10}|")
    for name, fn in calls.items():
        rate = best_rate(fn, texts, args.repeat)
        print(f"| {name:<32} | {rate:>9,.0f} | {1e6 / rate:>8.1f} |")

    long_texts = {"dense review x 100k chars": ("服务态度很好但是迟到了好久" * 7700)[:100_000],
                  "好 x 100k": "好" * 100_000}
    print(f"\n| {'100,000-char text':<26} | {'predict s':>9} | {'find_evidence s':>15} |")
    print(f"|{'-' * 28}|{'-' * 11}|{'-' * 17}|")
    for name, text in long_texts.items():
        predict_s = best_seconds(lambda t: rules.predict([t]), text, args.repeat)
        evidence_s = best_seconds(lambda t: find_evidence(t, lexicon), text, args.repeat)
        print(f"| {name:<26} | {predict_s:>9.3f} | {evidence_s:>15.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
