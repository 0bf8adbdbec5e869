"""Label corrections stored by the service (`label_corrections` table) as training examples."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from nlp.corpus.examples import ASPECT_KEYS, Example

TABLE = "label_corrections"
REPEATS = 3  # corrections are few and deliberate: weigh them like three examples


def correction_examples(frame: pd.DataFrame) -> list[Example]:
    """Latest correction per (feedback_id, category), grouped into one example per feedback."""
    if frame.empty:
        return []
    frame = frame.sort_values("corrected_at", kind="stable")
    latest = frame.drop_duplicates(["feedback_id", "category"], keep="last")
    examples = []
    for _, rows in latest.groupby("feedback_id", sort=True):
        aspects: dict[str, int | None] = {}
        for row in rows.itertuples(index=False):
            polarity = None if pd.isna(row.polarity) else int(row.polarity)
            if row.category in ASPECT_KEYS:
                aspects[row.category] = polarity
            elif row.category == "none":
                aspects = {a: None for a in ASPECT_KEYS}
        if aspects:
            examples.append(Example(str(rows["text"].iloc[-1]), aspects, None, None, "correction"))
    return examples


def load_corrections(url: str) -> list[Example] | None:
    """Examples from `label_corrections` at a SQLAlchemy URL; None when the table does not exist."""
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    try:
        if not inspect(engine).has_table(TABLE):
            return None
        with engine.connect() as conn:
            frame = pd.read_sql_table(TABLE, conn)
    finally:
        engine.dispose()
    return correction_examples(frame)


def weighted_corrections(url: str, required: bool = False) -> list[Example] | None:
    """The corrections at `url`, each repeated `REPEATS` times for training; None where there is no
    table, or no SQLite file when not `required` (then no empty file is created either)."""
    if not required and url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    examples = load_corrections(url)
    return None if examples is None else examples * REPEATS
