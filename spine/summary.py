"""Running totals of a day processed in pieces: what the feedback asset reports as metadata."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import pandas as pd

from spine.buckets import Piece

HEAD_ROWS = 5


@dataclass
class DaySummary:
    """Counts over every piece, and the first rows seen (for a preview)."""

    records: int = 0
    rejected: int = 0
    source_rows: int = 0
    merged_records: int = 0
    by_kind: Counter = field(default_factory=Counter)
    by_rule: Counter = field(default_factory=Counter)
    records_head: pd.DataFrame | None = None
    rejected_head: pd.DataFrame | None = None

    def add(self, piece: Piece) -> None:
        self.records += len(piece.records)
        self.rejected += len(piece.rejected)
        self.source_rows += piece.source_rows
        self.merged_records += int((piece.records["n_sources"] > 1).sum())
        self.by_kind.update(piece.records["kind"].value_counts().to_dict())
        self.by_rule.update(piece.rejected["rule"].value_counts().to_dict())
        self.records_head = _head(self.records_head, piece.records)
        self.rejected_head = _head(self.rejected_head, piece.rejected)

    def tables(self, pieces: Iterable[Piece]) -> Iterator[Mapping[str, pd.DataFrame]]:
        """The pieces as {table: rows} chunks for the warehouse, counted on the way."""
        for piece in pieces:
            self.add(piece)
            yield {"feedback": piece.records, "rejected_feedback": piece.rejected}


def _head(kept: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    if kept is not None and len(kept) >= HEAD_ROWS:
        return kept
    frames = [f for f in (kept, new.head(HEAD_ROWS)) if f is not None and len(f)]
    return pd.concat(frames, ignore_index=True).head(HEAD_ROWS) if frames else new.head(0)
