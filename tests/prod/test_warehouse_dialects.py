"""The warehouse behaves the same on PostgreSQL and MariaDB: partition replace, timestamps, text."""

from collections.abc import Iterator
from datetime import datetime

import pandas as pd
import pytest
import sqlalchemy as sa

from storage.tables import warehouse_table
from storage.warehouse import Warehouse

pytestmark = pytest.mark.prod

EMOJI_TEXT = "阿姨做得很好👍😊，下次还约🧹✨"
# A pasted hotline transcript can be this long; 3 bytes per character in utf8mb4 puts it past
# MySQL's 64 KB TEXT limit, so the column must be wider there.
LONG_TEXT = ("客户来电反映阿姨迟到一个小时并且态度不好。" * 1_250)[:25_000]


@pytest.fixture(params=["pg_url", "mariadb_url"])
def warehouse(request: pytest.FixtureRequest) -> Iterator[Warehouse]:
    """A Warehouse on a fresh database of each server."""
    store = Warehouse(request.getfixturevalue(request.param))
    yield store
    store.dispose()


def _raw_reviews(ids: list[str], created_at: list[datetime], texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame({
        "review_id": ids,
        "order_id": [f"O{i[1:]}" for i in ids],
        "worker_id": "W0001",
        "customer_id": "C000001",
        "created_at": created_at,
        "rating": 5,
        "text": texts,
        "channel": "app",
    })


def test_replace_partition_is_idempotent_and_scoped(warehouse: Warehouse) -> None:
    day1 = _raw_reviews(["R00000001", "R00000002"], [datetime(2026, 3, 1, 9)] * 2, ["好", "快"])
    day2 = _raw_reviews(["R00000003"], [datetime(2026, 3, 2, 9)], ["准时"])
    warehouse.replace_partition("raw_reviews", "2026-03-02", day2)
    for _ in range(3):
        assert warehouse.replace_partition("raw_reviews", "2026-03-01", day1) == 2
    assert warehouse.count_partition("raw_reviews", "2026-03-01") == 2
    warehouse.replace_partition("raw_reviews", "2026-03-01", day1.iloc[:1])
    assert warehouse.read_partition("raw_reviews", "2026-03-01")["review_id"].tolist() == [
        "R00000001"
    ]
    assert warehouse.read_partition("raw_reviews", "2026-03-02")["review_id"].tolist() == [
        "R00000003"
    ]
    assert warehouse.partition_dates("raw_reviews") == ["2026-03-01", "2026-03-02"]


def test_failed_replace_keeps_the_previous_partition(warehouse: Warehouse) -> None:
    good = _raw_reviews(["R00000001"], [datetime(2026, 3, 1, 9)], ["好"])
    warehouse.replace_partition("raw_reviews", "2026-03-01", good)
    bad = good.assign(not_a_column=1)
    with pytest.raises(ValueError):
        warehouse.replace_partition("raw_reviews", "2026-03-01", bad)
    assert warehouse.read_partition("raw_reviews", "2026-03-01")["review_id"].tolist() == [
        "R00000001"
    ]


def test_naive_shanghai_timestamps_round_trip_unshifted(warehouse: Warehouse) -> None:
    # Both servers run in UTC here: a timestamp shifted by 8 h would land in another day.
    stamps = [datetime(2026, 3, 1, 0, 0, 0), datetime(2026, 3, 1, 0, 30, 5),
              datetime(2026, 3, 1, 23, 59, 59)]
    frame = _raw_reviews(["R00000001", "R00000002", "R00000003"], stamps, ["一", "二", "三"])
    warehouse.replace_partition("raw_reviews", "2026-03-01", frame)
    back = warehouse.read_partition("raw_reviews", "2026-03-01").sort_values("review_id")
    assert back["created_at"].dt.tz is None
    assert [ts.to_pydatetime() for ts in back["created_at"]] == stamps


def test_emoji_and_long_texts_round_trip(warehouse: Warehouse) -> None:
    frame = _raw_reviews(["R00000001", "R00000002"], [datetime(2026, 3, 1, 9)] * 2,
                         [EMOJI_TEXT, LONG_TEXT])
    warehouse.replace_partition("raw_reviews", "2026-03-01", frame)
    back = warehouse.read_partition("raw_reviews", "2026-03-01").sort_values("review_id")
    assert back["text"].tolist() == [EMOJI_TEXT, LONG_TEXT]


def test_chunked_read_streams_the_partition(warehouse: Warehouse) -> None:
    n = 2_345
    frame = _raw_reviews([f"R{i:08d}" for i in range(n)], [datetime(2026, 3, 1, 9)] * n,
                         [f"第{i}条" for i in range(n)])
    warehouse.replace_partition("raw_reviews", "2026-03-01", iter([frame.iloc[:1000],
                                                                   frame.iloc[1000:]]))
    chunks = list(warehouse.iter_partition_chunks("raw_reviews", "2026-03-01", chunk_rows=500))
    assert [len(c) for c in chunks] == [500, 500, 500, 500, 345]
    assert sorted(pd.concat(chunks)["review_id"]) == sorted(frame["review_id"])


def test_tables_use_utf8mb4_on_mariadb(mariadb_url: str) -> None:
    store = Warehouse(mariadb_url)
    store.ensure_tables(["raw_reviews", "classified_feedback"])
    with store.engine.connect() as conn:
        charsets = conn.execute(sa.text(
            "SELECT DISTINCT character_set_name FROM information_schema.columns"
            " WHERE table_schema = DATABASE() AND character_set_name IS NOT NULL"
        )).scalars().all()
    store.dispose()
    assert charsets == ["utf8mb4"]


def test_awkward_values_round_trip(warehouse: Warehouse) -> None:
    """NULL vs empty text, CSV/SQL metacharacters, booleans, floats, dates: as written."""
    metadata = sa.MetaData()
    warehouse_table(
        "awkward", sa.Column("ident", sa.String(8)), sa.Column("text", sa.Text),
        sa.Column("flag", sa.Boolean), sa.Column("score", sa.Float), sa.Column("n", sa.Integer),
        sa.Column("day", sa.Date), metadata=metadata)
    store = Warehouse(warehouse.url, metadata=metadata)
    texts = [None, "", 'say "hi", ok', "line1\nline2\r\nline3", "tab\there \\N back\\slash",
             "'; DROP TABLE x; --", "NULL", "１２３，全角"]
    frame = pd.DataFrame({
        "ident": [f"k{i}" for i in range(len(texts))], "text": pd.Series(texts, dtype=object),
        "flag": [True, False] * 4, "score": [0.1, -1e-7, 3.5e10, None, 0.0, 1 / 3, 2.0, -0.5],
        "n": pd.array([1, None, -3, 0, 2**31 - 1, 7, 8, 9], dtype="Int64"),
        "day": pd.to_datetime(["2026-03-01"] * 8).date})
    store.replace_partition("awkward", "2026-03-01", frame)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT ident, text, flag, score, n, day FROM awkward"
                                    " ORDER BY ident")).all()
    store.dispose()
    assert [r.text for r in rows] == texts
    assert [bool(r.flag) for r in rows] == [True, False] * 4
    scores = [r.score for r in rows]
    assert scores[3] is None
    assert scores[:3] + scores[4:] == pytest.approx([0.1, -1e-7, 3.5e10, 0.0, 1 / 3, 2.0, -0.5])
    assert [r.n for r in rows] == [1, None, -3, 0, 2**31 - 1, 7, 8, 9]
    assert {r.day.isoformat() for r in rows} == {"2026-03-01"}


def test_existing_classified_feedback_gets_the_worker_index(warehouse: Warehouse) -> None:
    warehouse.ensure_tables(["classified_feedback"])
    with warehouse.engine.begin() as conn:
        conn.execute(sa.text("DROP INDEX ix_classified_feedback_worker"
                             + (" ON classified_feedback" if warehouse.engine.dialect.name
                                in ("mysql", "mariadb") else "")))
    Warehouse(warehouse.engine.url.render_as_string(hide_password=False)).ensure_tables(
        ["classified_feedback"])
    names = {i["name"] for i in sa.inspect(warehouse.engine).get_indexes("classified_feedback")}
    assert "ix_classified_feedback_worker" in names


def test_processes_creating_a_fresh_warehouse_together_all_succeed(warehouse: Warehouse) -> None:
    from concurrent.futures import ThreadPoolExecutor

    import scoring.tables  # noqa: F401  (their tables join METADATA: more to race on)
    import storage.quality_results  # noqa: F401

    url = warehouse.engine.url.render_as_string(hide_password=False)
    stores = [Warehouse(url) for _ in range(4)]
    try:
        with ThreadPoolExecutor(len(stores)) as pool:
            list(pool.map(lambda store: store.ensure_tables(), stores))  # raises if one failed
    finally:
        for store in stores:
            store.dispose()
    names = set(sa.inspect(warehouse.engine).get_table_names())
    assert {"classified_feedback", "worker_daily_scores", "data_quality_results"} <= names


def test_postgresql_sessions_get_room_for_the_window_aggregation(pg_url: str) -> None:
    store = Warehouse(pg_url)
    try:
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("SHOW work_mem")).scalar_one() == "64MB"
    finally:
        store.dispose()
