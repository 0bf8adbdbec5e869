"""`feedback train`: the project corpus (+ user files, + stored label corrections) -> a model directory."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_USAGE = 2
WAREHOUSE_ENV = "FEEDBACK_WAREHOUSE_URL"
DEFAULT_WAREHOUSE = "sqlite:///var/warehouse.db"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", type=Path, default=None,
                        help="model directory (default: FEEDBACK_MODEL_DIR or var/models/default)")
    parser.add_argument("--data", type=Path, nargs="*", default=[],
                        help="labelled CSV/JSONL/XLSX files: text + attitude/skill/logistics, labels, "
                             "sentiment, label (0/1) or rating (1-5 stars, weak sentiment)")
    parser.add_argument("--text-column", default=None, help="text column of --data files (default: guessed)")
    parser.add_argument("--base-model", type=Path, default=None,
                        help="local pretrained BERT checkpoint directory to fine-tune")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--n-generated", type=int, default=None, help="generated corpus size")
    parser.add_argument("--no-corpus", action="store_true", help="train on --data files only")
    parser.add_argument("--corrections-url", default=None,
                        help=f"SQLAlchemy URL holding label_corrections (default: {WAREHOUSE_ENV}, used "
                             "when the table exists)")
    parser.add_argument("--no-corrections", action="store_true", help="ignore stored label corrections")
    parser.add_argument("--tiny", action="store_true", help="a tiny model in seconds (smoke tests only)")


def run(args: argparse.Namespace) -> int:
    from nlp.corpus.user_files import UserDataError, load_user_files
    from nlp.io import TableError
    from nlp.settings import NLPSettings
    from nlp.train import train

    settings = (NLPSettings.tiny() if args.tiny else NLPSettings()).with_overrides(epochs=args.epochs, seed=args.seed, n_generated=args.n_generated)
    output = args.output or settings.model_dir
    if args.base_model and not (args.base_model / "config.json").exists():
        print(f"feedback train: --base-model {args.base_model} has no config.json", file=sys.stderr)
        return EXIT_USAGE
    try:
        extra = load_user_files(args.data, args.text_column) if args.data else []
        extra += _corrections(args)
    except (TableError, UserDataError, ValueError) as exc:
        print(f"feedback train: {exc}", file=sys.stderr)
        return EXIT_USAGE
    train(output, settings, extra, args.base_model, use_corpus=not args.no_corpus)
    return 0


def _corrections(args: argparse.Namespace) -> list:
    from nlp.corpus.corrections import REPEATS, weighted_corrections

    if args.no_corrections:
        return []
    explicit = args.corrections_url is not None
    url = args.corrections_url or os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE
    examples = weighted_corrections(url, required=explicit)
    if examples is None:
        if explicit:
            raise ValueError(f"no label_corrections table at {url}")
        return []
    print(f"using {len(examples) // REPEATS} label corrections from {url}", file=sys.stderr)
    return examples
