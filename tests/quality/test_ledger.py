"""The ledger explains every source row once, by key and count, and names what it cannot."""
from __future__ import annotations

import pandas as pd

from assets.quality.ledger import build_ledger


def sources(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["source_table", "source_id"])


def rejected(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame([(t, i, r, f"because {r}") for t, i, r in rows],
                        columns=["source_table", "source_id", "rule", "reason"])


def outcomes(ledger: pd.DataFrame) -> dict[tuple[str, str], list[str]]:
    return ledger.groupby(["source_table", "source_id"])["outcome"].agg(sorted).to_dict()


def test_duplicates_merged_and_rejected_are_all_explained() -> None:
    ledger = build_ledger(
        sources(("raw_reviews", "R1"), ("raw_reviews", "R1"), ("raw_reviews", "R1"),
                ("raw_complaints", "K1"), ("raw_inbox_feedback", "X1")),
        pd.Series(["review:R1", "complaint:K1", "inbox:ab12cd34:X1"]),
        rejected(("raw_reviews", "R1", "duplicate_id"), ("raw_reviews", "R1", "duplicate_row")))
    assert outcomes(ledger) == {("raw_complaints", "K1"): ["accepted"],
                                ("raw_inbox_feedback", "X1"): ["accepted"],
                                ("raw_reviews", "R1"): ["accepted", "rejected", "rejected"]}


def test_id_less_line_pairs_with_its_made_up_rejected_id() -> None:
    ledger = build_ledger(sources(("raw_inbox_feedback", ""), ("raw_inbox_feedback", "X1")),
                          pd.Series(["inbox:ab12cd34:X1"]),
                          rejected(("raw_inbox_feedback", "f.csv#line3", "unreadable_line")))
    assert sorted(ledger["outcome"]) == ["accepted", "rejected"]
    assert "f.csv#line3" in set(ledger["source_id"])


def test_lost_and_invented_rows_are_named() -> None:
    ledger = build_ledger(sources(("raw_reviews", "R1"), ("raw_reviews", "R2")),
                          pd.Series(["review:R1", "review:R9"]), rejected())
    assert outcomes(ledger) == {("raw_reviews", "R1"): ["accepted"],
                                ("raw_reviews", "R2"): ["missing"],
                                ("raw_reviews", "R9"): ["no_source"]}
