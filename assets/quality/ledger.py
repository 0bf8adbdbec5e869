"""Where each source row of a day ended: accepted (in a feedback record), rejected, or missing.

One ledger row per source row of `raw_reviews`, `raw_complaints` and `raw_inbox_feedback`, keyed
by (source table, source id). Accepted rows come from the `source_ids` of the day's records
(`review:R…`, `complaint:K…`, `inbox:<sha8>:<id>`, see docs/contracts.md); rejected rows from
`rejected_feedback`. Rows that share a key (duplicates, id-less lines) are matched by count: three
source rows with one accepted and two rejected are all explained. A rejected row whose id matches
no source row (an id-less line gets a made-up id) pairs with an id-less source row of its table.
Whatever stays unmatched is listed: `missing` (a source row nobody accounts for) or `no_source`.
"""
from __future__ import annotations

import pandas as pd

from storage.warehouse import Warehouse

SOURCES = {"raw_reviews": ("review_id", "review:"),
           "raw_complaints": ("complaint_id", "complaint:"),
           "raw_inbox_feedback": ("id", "inbox:")}
LEDGER_COLUMNS = ("source_table", "source_id", "outcome", "rule", "reason")
KEY = ["source_table", "source_id"]


def source_rows(warehouse: Warehouse, day: str) -> pd.DataFrame:
    """(source_table, source_id) of every source row of the day; '' for a row without id."""
    parts = []
    for table, (id_column, _) in SOURCES.items():
        ids = warehouse.read_partition(table, day, columns=[id_column])[id_column]
        parts.append(pd.DataFrame({"source_table": table,
                                   "source_id": ids.astype("str").fillna("").str.strip()}))
    return pd.concat(parts, ignore_index=True)


def accepted_keys(feedback_ids: pd.Series) -> pd.DataFrame:
    """(source_table, source_id) of feedback ids such as `review:R1` or `inbox:ab12cd34:X1`."""
    ids = feedback_ids.astype("str")
    tables = pd.Series("", index=ids.index, dtype="object")
    raw = ids.copy()
    for table, (_, prefix) in SOURCES.items():
        hit = ids.str.startswith(prefix)
        tables[hit] = table
        raw[hit] = ids[hit].str.removeprefix(prefix)
    inbox = tables == "raw_inbox_feedback"
    raw[inbox] = raw[inbox].str.split(":", n=1).str[-1]  # drop the file's sha8
    return pd.DataFrame({"source_table": tables, "source_id": raw})


def accepted_ids(warehouse: Warehouse, day: str, table: str) -> pd.Series:
    """Every source id listed in `source_ids` of the day's records in `table`."""
    lists = warehouse.read_partition(table, day, columns=["source_ids"])["source_ids"]
    return lists.dropna().astype("str").str.split(";").explode().loc[lambda s: s != ""] \
        .reset_index(drop=True)


def rejected_rows(warehouse: Warehouse, day: str) -> pd.DataFrame:
    return warehouse.read_partition("rejected_feedback", day,
                                    columns=["source_table", "source_id", "rule", "reason"])


def _numbered(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(nth=frame.groupby(KEY).cumcount())


def build_ledger(sources: pd.DataFrame, accepted: pd.Series,
                 rejected: pd.DataFrame) -> pd.DataFrame:
    """Match source rows to accepted ids and rejected rows, by key and count."""
    known = set(zip(sources["source_table"], sources["source_id"], strict=True))
    rejected = rejected.assign(source_id=[
        i if (t, i) in known else "" for t, i in
        zip(rejected["source_table"], rejected["source_id"].astype("str").fillna(""),
            strict=True)],
        shown_id=rejected["source_id"])
    explained = pd.concat([
        accepted_keys(accepted).assign(outcome="accepted", rule=None, reason=None, shown_id=None),
        rejected.assign(outcome="rejected").loc[:, [*KEY, "outcome", "rule", "reason", "shown_id"]],
    ], ignore_index=True)
    ledger = _numbered(sources).merge(_numbered(explained), on=[*KEY, "nth"], how="outer",
                                      indicator=True)
    ledger["outcome"] = ledger["outcome"].where(ledger["_merge"] != "left_only", "missing")
    ledger.loc[ledger["_merge"] == "right_only", "outcome"] = "no_source"
    ledger["source_id"] = ledger["shown_id"].where(ledger["source_id"] == "", ledger["source_id"])
    return ledger.loc[:, list(LEDGER_COLUMNS)].astype("object").reset_index(drop=True)


def source_ledger(warehouse: Warehouse, day: str,
                  accepted_table: str = "feedback") -> pd.DataFrame:
    """The day's ledger against `feedback` (or `classified_feedback`) and `rejected_feedback`."""
    return build_ledger(source_rows(warehouse, day), accepted_ids(warehouse, day, accepted_table),
                        rejected_rows(warehouse, day))
