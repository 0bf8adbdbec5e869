"""Throughput of `FeedbackClassifier.predict` (evidence included) and peak memory of `feedback classify`.

    .venv/bin/python bench/classify_throughput.py [--model-dir DIR] [--n 4000] [--threads 1 2]
                                                  [--processes 2] [--rounds 3] [--memory-rows 100000]
Texts are ~40-character feedback from the project's generator (not the evaluation data).
"""
from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd


def sample_texts(n: int, chars: int = 40, seed: int = 7) -> list[str]:
    from nlp.corpus import generate

    texts, pool = [], generate(n * 2, seed)
    for ex in pool:
        text = ex.text
        while len(text) < chars:
            text += "，" + pool[(len(texts) * 7 + len(text)) % len(pool)].text
        texts.append(text[:chars])
        if len(texts) == n:
            break
    return texts


def measure(model_dir: Path, texts: list[str], threads: int, evidence: bool, quantize: bool = True,
            batch: int | None = None, blend: bool = True) -> float:
    from dataclasses import replace

    from nlp.classify import FeedbackClassifier
    from nlp.settings import NLPSettings

    settings = replace(NLPSettings(), num_threads=threads, quantize=quantize,
                       predict_batch_size=batch or NLPSettings().predict_batch_size)
    if not blend:  # the network alone (nlp.blend switched off), to show what the blend costs
        settings = settings.without_blend()
    classifier = FeedbackClassifier.load(model_dir, settings)
    classifier.predict(texts[:256], with_evidence=evidence)  # warm-up
    started = time.perf_counter()
    classifier.predict(texts, with_evidence=evidence)
    return len(texts) / (time.perf_counter() - started)


def measure_processes(model_dir: Path, texts: list[str], processes: int, chunk: int = 500) -> float:
    """texts/s of `pipelines.classify_pool.predict_chunks`: this process + `processes - 1` workers,
    1 torch thread each, workers warmed up first (their start-up is a once-per-run cost)."""
    from nlp.classify import FeedbackClassifier
    from pipelines.classify_pool import predict_chunks, shutdown

    local = FeedbackClassifier.load(model_dir).predict  # the card's blend, 1 thread (the default)
    chunks = [texts[i:i + chunk] for i in range(0, len(texts), chunk)]
    stamp = (Path(model_dir) / "config.json").stat().st_mtime
    for _ in predict_chunks(chunks[:processes], local, "model", str(model_dir), stamp, processes):
        pass  # warm-up: every worker has loaded the model
    started = time.perf_counter()
    n = sum(len(frame) for frame in predict_chunks(chunks, local, "model", str(model_dir), stamp, processes))
    rate = n / (time.perf_counter() - started)
    shutdown()
    return rate


def peak_memory_mb(model_dir: Path, rows: int) -> tuple[float, float]:
    """(peak RSS in MB, seconds) of `feedback classify --input <rows CSV> --output out.csv`."""
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        texts = sample_texts(2000)
        pd.DataFrame({"id": range(rows), "text": [texts[i % len(texts)] for i in range(rows)]}).to_csv(
            source, index=False)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipelines.cli", "classify", "--model-dir", str(model_dir),
                        "--input", str(source), "--output", str(out)], check=True,
                       stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, seconds


VARIANTS = ((True, True, True), (True, True, False), (True, False, True), (False, True, True))


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def main(argv: list[str] | None = None) -> int:
    from nlp.settings import NLPSettings

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=NLPSettings().model_dir)
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--threads", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--batch", type=int, nargs="*", default=[NLPSettings().predict_batch_size])
    parser.add_argument("--processes", type=int, nargs="*", default=[],
                        help="also measure classification over N processes x 1 thread (pipelines.classify_pool)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="process measurements repeated this many times (a shared VM's speed wanders)")
    parser.add_argument("--memory-rows", type=int, default=0, help="also measure `feedback classify` peak RSS")
    args = parser.parse_args(argv)
    texts = sample_texts(args.n)
    print(f"| threads | batch | int8 | evidence | blend | texts/s ({args.n} texts, "
          f"{sum(map(len, texts)) / len(texts):.0f} chars) |")
    print("|---|---|---|---|---|---|")
    for threads in args.threads:
        for batch in args.batch:
            for quantize, evidence, blend in VARIANTS:
                rate = measure(args.model_dir, texts, threads, evidence, quantize, batch, blend)
                print(f"| {threads} | {batch} | {_yes(quantize)} | {_yes(evidence)} | {_yes(blend)} "
                      f"| {rate:,.0f} |", flush=True)
    for processes in args.processes:
        rates = sorted(measure_processes(args.model_dir, texts, processes) for _ in range(max(1, args.rounds)))
        print(f"\n{processes} processes x 1 thread (pipelines.classify_pool, evidence and blend included, "
              f"workers warm): median {statistics.median(rates):,.0f} texts/s over {len(rates)} rounds "
              f"({', '.join(f'{r:,.0f}' for r in rates)})", flush=True)
    if args.memory_rows:
        peak, seconds = peak_memory_mb(args.model_dir, args.memory_rows)
        print(f"\n`feedback classify` on {args.memory_rows:,} rows: peak RSS {peak:,.0f} MB, {seconds:.0f} s "
              f"({args.memory_rows / seconds:,.0f} rows/s end to end)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
