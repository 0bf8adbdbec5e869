"""Where each source row of a day ended: accepted (in a feedback record), rejected, or missing.

One ledger row per source row of `raw_reviews`, `raw_complaints` and `raw_inbox_feedback`, keyed
by its feedback id (`review:R…`, `complaint:K…`, `inbox:<sha8>:<id>`, see docs/contracts.md).
Rows that share an id (duplicates) are matched by count: with three source rows, one accepted and
two rejected, all three are explained. Accepted or rejected ids with no source row are listed too
(outcome `no_source`), so both directions of a mismatch show up with their ids.
"""
from __future__ import annotations

import json

import pandas as pd

from storage.warehouse import Warehouse

SOURCES = {"raw_reviews": ("review_id", "review:"), "raw_complaints": ("complaint_id", "complaint:"),
           "raw_inbox_feedback": ("id", "inbox:")}
LEDGER_COLUMNS = ("source_table", "source_id", "outcome", "rule", "reason")


def source_rows(warehouse: Warehouse, day: str) -> pd.DataFrame:
    """(source_table, source_id) of every source row of the day, ids in feedback-id form."""
    parts = []
    for table, (id_column, prefix) in SOURCES.items():
        columns = [id_column, "file_sha256"] if table == "raw_inbox_feedback" else [id_column]
        rows = warehouse.read_partition(table, day, columns=columns)
        ids = rows[id_column].astype("str").fillna("").str.strip()
        if table == "raw_inbox_feedback":  # an empty id cannot be told apart per file anyway
            ids = (rows["file_sha256"].astype("str").str[:8] + ":" + ids).where(ids != "", "")
        parts.append(pd.DataFrame({"source_table": table, "source_id": prefix + ids}))
    return pd.concat(parts, ignore_index=True)


def _rejected_key(row: pd.Series) -> str:
    """The feedback id of a rejected row: from its payload, else built from table and id."""
    try:
        key = json.loads(row["payload"]).get("feedback_id")
    except (TypeError, ValueError, AttributeError):
        key = None
    if isinstance(key, str) and key:
        return key
    prefix = SOURCES.get(row["source_table"], ("", ""))[1]
    return prefix + str(row["source_id"] or "")


def rejected_rows(warehouse: Warehouse, day: str) -> pd.DataFrame:
    rejected = warehouse.read_partition("rejected_feedback", day,
                                        columns=["source_table", "source_id", "rule", "reason",
                                                 "payload"])
    keys = rejected.apply(_rejected_key, axis=1) if len(rejected) else pd.Series([], dtype="str")
    return pd.DataFrame({"source_table": rejected["source_table"], "source_id": keys,
                         "rule": rejected["rule"], "reason": rejected["reason"]})


def accepted_ids(warehouse: Warehouse, day: str, table: str) -> pd.Series:
    """Every source id listed in `source_ids` of the day's records in `table`."""
    lists = warehouse.read_partition(table, day, columns=["source_ids"])["source_ids"]
    return lists.dropna().astype("str").str.split(";").explode().loc[lambda s: s != ""] \
        .reset_index(drop=True)


def build_ledger(sources: pd.DataFrame, accepted: pd.Series,
                 rejected: pd.DataFrame) -> pd.DataFrame:
    """Match source rows to accepted ids and rejected rows, by id and count."""
    sources = sources.assign(nth=sources.groupby("source_id").cumcount())
    explained = pd.concat([
        pd.DataFrame({"source_id": accepted.astype("str"), "outcome": "accepted",
                      "rule": None, "reason": None, "origin": None}),
        pd.DataFrame({"source_id": rejected["source_id"].astype("str"), "outcome": "rejected",
                      "rule": rejected["rule"], "reason": rejected["reason"],
                      "origin": rejected["source_table"]}),
    ], ignore_index=True)
    explained = explained.assign(nth=explained.groupby("source_id").cumcount())
    ledger = sources.merge(explained, on=["source_id", "nth"], how="outer", indicator=True)
    ledger["outcome"] = ledger["outcome"].where(ledger["_merge"] != "left_only", "missing")
    ledger.loc[ledger["_merge"] == "right_only", "outcome"] = "no_source"
    ledger["source_table"] = ledger["source_table"].fillna(ledger["origin"]).fillna("")
    return ledger.loc[:, list(LEDGER_COLUMNS)].astype("object").reset_index(drop=True)


def source_ledger(warehouse: Warehouse, day: str,
                  accepted_table: str = "feedback") -> pd.DataFrame:
    """The day's ledger against `feedback` (or `classified_feedback`) and `rejected_feedback`."""
    return build_ledger(source_rows(warehouse, day), accepted_ids(warehouse, day, accepted_table),
                        rejected_rows(warehouse, day))
