"""`feedback evaluate`: our model beside SnowNLP, keyword rules and TF-IDF+LR on ../shared/eval."""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--eval-dir", type=Path, default=Path("../shared/eval"),
                        help="folder with sentiment/ and aspects/ (see its README)")
    parser.add_argument("--model-dir", type=Path, default=None,
                        help="trained model (default: FEEDBACK_MODEL_DIR or var/models/default)")
    parser.add_argument("--sample", type=int, default=None,
                        help="seeded rows per sentiment file (default: all; SnowNLP is slow)")
    parser.add_argument("--skip-own-data", action="store_true",
                        help="skip the 'train on 80%% of waimai_10k' comparison (it trains a model)")
    parser.add_argument("--own-data-epochs", type=int, default=3)
    parser.add_argument("--skip-splits", action="store_true",
                        help="skip the table by tuning part (dev / test / untouched rows, nlp.eval_splits)")


def run(args: argparse.Namespace) -> int:
    from nlp.eval_splits import run_split_evaluation
    from nlp.evaluate import eval_available, markdown_table, run_evaluation
    from nlp.settings import NLPSettings

    if not eval_available(args.eval_dir):
        print(f"feedback evaluate: no evaluation data in {args.eval_dir} (sentiment/ and aspects/ files); "
              "skipping", file=sys.stderr)
        return 0
    model_dir = args.model_dir or NLPSettings().model_dir
    started = time.perf_counter()
    progress = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    try:
        with tempfile.TemporaryDirectory(prefix="own-data-") as work:
            rows = run_evaluation(args.eval_dir, model_dir, args.sample, not args.skip_own_data,
                                  Path(work) / "model", args.own_data_epochs, progress)
        splits = None if args.skip_splits else run_split_evaluation(args.eval_dir, model_dir, progress)
    except FileNotFoundError as exc:
        print(f"feedback evaluate: {exc}", file=sys.stderr)
        return 2
    print(markdown_table(rows))
    if splits:
        print("\nBy how much tuning used each part (the untouched rows are the honest estimate):\n")
        print(splits)
    scope = f"{args.sample} sampled rows per sentiment file" if args.sample else "full files"
    print(f"\n{scope}; ASAP: the 300 samples; {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0
