"""The warehouse writes a partition in one transaction and reads it back with stable dtypes."""
from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from storage.tables import table_from_dtypes, warehouse_table
from storage.warehouse import Warehouse


def _reviews(ids: list[str], text: str = "阿姨很准时，态度好 👍") -> pd.DataFrame:
    return pd.DataFrame({
        "review_id": ids, "worker_id": "W0001",
        "created_at": pd.to_datetime(["2025-06-10 08:30:00"] * len(ids)),
        "rating": [5] * len(ids), "text": text})


def test_replace_partition_replaces_only_that_partition(warehouse: Warehouse) -> None:
    warehouse.replace_partition("raw_reviews", "2025-06-09", _reviews(["R1", "R2"]))
    warehouse.replace_partition("raw_reviews", "2025-06-10", _reviews(["R3"]))
    warehouse.replace_partition("raw_reviews", "2025-06-10", _reviews(["R4", "R5"]))
    warehouse.replace_partition("raw_reviews", "2025-06-10", _reviews(["R4", "R5"]))

    assert warehouse.read_partition("raw_reviews", "2025-06-09")["review_id"].tolist() == ["R1", "R2"]
    assert sorted(warehouse.read_partition("raw_reviews", "2025-06-10")["review_id"]) == ["R4", "R5"]


def test_failed_write_keeps_the_previous_partition(warehouse: Warehouse) -> None:
    warehouse.replace_partition("raw_reviews", "2025-06-10", _reviews(["R1", "R2"]))

    def chunks():
        yield _reviews(["R8"])
        raise RuntimeError("source connection lost mid-stream")

    with pytest.raises(RuntimeError):
        warehouse.replace_partition("raw_reviews", "2025-06-10", chunks())
    assert sorted(warehouse.read_partition("raw_reviews", "2025-06-10")["review_id"]) == ["R1", "R2"]


def test_unknown_column_is_an_error_not_a_silent_drop(warehouse: Warehouse) -> None:
    frame = _reviews(["R1"]).assign(not_a_column=1)
    with pytest.raises(ValueError, match="not_a_column"):
        warehouse.replace_partition("raw_reviews", "2025-06-10", frame)


def test_scope_lets_two_writers_share_a_partition(warehouse: Warehouse) -> None:
    row = {"source_table": "raw_reviews", "source_id": "R1", "rule": "missing_text"}
    warehouse.replace_partition("rejected_feedback", "2025-06-10", pd.DataFrame([row]),
                                scope={"stage": "feedback"})
    warehouse.replace_partition("rejected_feedback", "2025-06-10", pd.DataFrame([row, row]),
                                scope={"stage": "quality"})
    warehouse.replace_partition("rejected_feedback", "2025-06-10", pd.DataFrame([row]),
                                scope={"stage": "feedback"})

    stages = warehouse.read_partition("rejected_feedback", "2025-06-10")["stage"]
    assert stages.value_counts().to_dict() == {"quality": 2, "feedback": 1}


def test_replace_partitions_is_all_or_nothing(warehouse: Warehouse) -> None:
    warehouse.replace_partition("raw_reviews", "2025-06-10", _reviews(["R1"]))
    with pytest.raises(ValueError):
        warehouse.replace_partitions("2025-06-10", {
            "raw_reviews": _reviews(["R2"]),
            "rejected_feedback": pd.DataFrame({"bogus": [1]})})
    assert warehouse.read_partition("raw_reviews", "2025-06-10")["review_id"].tolist() == ["R1"]


def test_reads_have_stable_dtypes_and_round_trip_text(warehouse: Warehouse) -> None:
    frame = _reviews(["R1", "R2"], text="手机号[手机号]，表情😀，繁體")
    frame.loc[1, "rating"] = None
    warehouse.replace_partition("raw_reviews", "2025-06-10", frame)

    back = warehouse.read_partition("raw_reviews", "2025-06-10")
    assert str(back["rating"].dtype) == "Int64" and back["rating"].isna().sum() == 1
    assert back["created_at"].dtype.kind == "M"
    assert back["text"].tolist() == ["手机号[手机号]，表情😀，繁體"] * 2
    empty = warehouse.read_partition("raw_reviews", "1999-01-01")
    assert empty.empty and list(empty.columns) == list(back.columns)


def test_range_chunks_and_counts(warehouse: Warehouse) -> None:
    for day, n in (("2025-06-08", 1), ("2025-06-09", 2), ("2025-06-10", 5)):
        warehouse.replace_partition("raw_reviews", day, _reviews([f"{day}-{i}" for i in range(n)]))

    assert len(warehouse.read_range("raw_reviews", "2025-06-09", "2025-06-10")) == 7
    chunks = list(warehouse.iter_partition_chunks("raw_reviews", "2025-06-10", chunk_rows=2))
    assert [len(c) for c in chunks] == [2, 2, 1]
    assert warehouse.count_partition("raw_reviews", "2025-06-10") == 5
    assert warehouse.count_partition("raw_reviews", "2025-06-10", column_sum="rating") == 25
    assert warehouse.partition_dates("raw_reviews") == ["2025-06-08", "2025-06-09", "2025-06-10"]


def test_ensure_tables_adds_columns_of_a_newer_definition(warehouse_url: str) -> None:
    old, new = sa.MetaData(), sa.MetaData()
    warehouse_table("team_scores", sa.Column("worker_id", sa.String(64)), metadata=old)
    table_from_dtypes("team_scores", {"worker_id": "str", "score": "float64", "n": "int64"},
                      metadata=new)
    Warehouse(warehouse_url, metadata=old).ensure_tables()

    upgraded = Warehouse(warehouse_url, metadata=new)
    upgraded.replace_partition("team_scores", "2025-06-10",
                               pd.DataFrame({"worker_id": ["W1"], "score": [71.5], "n": [3]}))
    back = upgraded.read_partition("team_scores", "2025-06-10")
    assert back.loc[0, "score"] == 71.5 and back.loc[0, "n"] == 3


def test_ensure_tables_adds_indexes_of_a_newer_definition(warehouse_url: str) -> None:
    old, new = sa.MetaData(), sa.MetaData()
    warehouse_table("team_scores", sa.Column("worker_id", sa.String(64)), metadata=old)
    table = warehouse_table("team_scores", sa.Column("worker_id", sa.String(64)), metadata=new)
    sa.Index("ix_team_scores_worker", "worker_id", "partition_date", _table=table)
    Warehouse(warehouse_url, metadata=old).ensure_tables()

    upgraded = Warehouse(warehouse_url, metadata=new)
    upgraded.ensure_tables()
    Warehouse(warehouse_url, metadata=new).ensure_tables()  # a second process: nothing to add
    names = {index["name"] for index in sa.inspect(upgraded.engine).get_indexes("team_scores")}
    assert {"ix_team_scores_worker", "ix_team_scores_partition_date"} <= names


def test_classified_feedback_is_indexed_by_worker_and_day(warehouse: Warehouse) -> None:
    warehouse.ensure_tables(["classified_feedback"])
    indexes = sa.inspect(warehouse.engine).get_indexes("classified_feedback")
    by_name = {index["name"]: index["column_names"] for index in indexes}
    assert by_name["ix_classified_feedback_worker"] == ["worker_id", "partition_date"]


def test_unpartitioned_snapshot_is_replaced_whole(warehouse: Warehouse) -> None:
    roster = pd.DataFrame({"worker_id": ["W1", "W2"], "hire_date": ["2024-01-02", "2024-03-04"]})
    warehouse.replace_table("worker_roster", roster, partition_date="2025-06-10")
    warehouse.replace_table("worker_roster", roster.iloc[:1], partition_date="2025-06-11")
    back = warehouse.read_table("worker_roster")
    assert back["worker_id"].tolist() == ["W1"] and back["partition_date"].tolist() == ["2025-06-11"]
