"""Checks read only the columns their suites use; the outcomes are those of the whole partition."""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from assets.quality import suites
from assets.quality.gx_runner import run_suite
from assets.quality.reads import read_for_suite, stored_columns, vectorisable
from quality_frames import DAY, classified_frame


def _outcomes(result: object) -> list[tuple[str, bool, int]]:
    return [(o.description, o.success, o.unexpected_count) for o in result.outcomes]


def test_a_suite_reads_its_columns_and_judges_like_the_whole_partition(warehouse) -> None:
    frame = classified_frame(n=12)
    frame.loc[3, "sentiment"] = 1.7  # out of range
    frame.loc[5, "rating"] = 9       # out of range (a review row)
    frame.loc[6, "labels"] = "attitude;nonsense"
    warehouse.replace_partition("classified_feedback", DAY, frame.drop(columns="partition_date"))
    suite = suites.classified_feedback_valid(DAY)

    narrow = read_for_suite(warehouse, suite, DAY)
    whole = warehouse.read_partition("classified_feedback", DAY)

    assert narrow["evidence"].isna().all() and narrow["text_hash"].isna().all()  # never fetched
    assert narrow["sentiment"].tolist() == whole["sentiment"].tolist()
    assert set(narrow.columns) == set(stored_columns(warehouse, "classified_feedback"))
    assert _outcomes(run_suite(suite, narrow, run_name="narrow")) == \
        _outcomes(run_suite(suite, whole, run_name="whole"))
    failed = {o.description for o in run_suite(suite, narrow, run_name="again").failed}
    assert failed == {"sentiment between -1 and 1", "rating between 1 and 5",
                      "labels are taxonomy categories"}


def test_the_column_set_rule_sees_the_columns_the_database_stores(warehouse) -> None:
    frame = classified_frame()
    warehouse.replace_partition("feedback", DAY, frame.loc[:, [
        c for c in suites.FEEDBACK_COLUMNS if c != "partition_date"]])
    with warehouse.engine.begin() as conn:  # a column lost outside the pipeline
        conn.execute(sa.text("ALTER TABLE feedback DROP COLUMN text_hash"))
    warehouse._ensured.add("feedback")  # as in a process that created the table earlier
    suite = suites.feedback_valid(DAY)

    result = run_suite(suite, read_for_suite(warehouse, suite, DAY), run_name="schema")

    assert [o.description for o in result.failed] == [suite.rules[0].description]


def test_vectorisable_keeps_values_and_nulls() -> None:
    frame = pd.DataFrame({
        "whole": pd.array([1, 2, 3], "Int64"), "gaps": pd.array([1, None, 3], "Int64"),
        "when": pd.to_datetime(["2025-03-10 08:00", None, "2025-03-10 09:00"]).as_unit("us"),
        "text": pd.Series(["a", None, "c"], dtype="str")})

    out = vectorisable(frame)

    assert str(out["whole"].dtype) == "int64" and str(out["gaps"].dtype) == "float64"
    assert str(out["when"].dtype) == "datetime64[ns]" and out["text"].equals(frame["text"])
    assert out["gaps"].isna().tolist() == [False, True, False]
    assert out["when"].isna().tolist() == [False, True, False]
    assert (out["when"].dropna() == frame["when"].dropna()).all()
