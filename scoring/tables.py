"""Warehouse tables owned by scoring: column names and types, and a conformer for frames."""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from nlp.taxonomy import load_taxonomy
from scoring.config import CATEGORIES
from storage.tables import table_from_dtypes

# one count column per taxonomy sub-reason; a new key becomes a new (nullable) column
SUBREASONS: tuple[str, ...] = load_taxonomy().subreason_keys


def subreason_column(key: str) -> str:
    """`logistics.late` -> `sub_logistics_late`."""
    return "sub_" + key.replace(".", "_")


# Additive daily counts and sums: a window total is their plain SUM over days.
DAILY_ADDITIVE: tuple[str, ...] = (
    "orders_scheduled", "orders_served", "orders_cancelled", "no_shows",
    "arrivals", "on_time", "late", "late_minutes_sum", "rework",
    "reviews", "stars_sum", "stars_sq_sum",
    "feedback_items", "sentiment_sum", "sentiment_sq_sum",
    "complaints", "serious_attitude_complaints",
    *(f"{c}_mentions" for c in CATEGORIES),
    *(f"praise_{c}" for c in CATEGORIES), "praise_items",
    *(subreason_column(k) for k in SUBREASONS),
    "complaints_responded_30m", "complaints_resolved_24h", "complaints_resolved_48h",
)
# Readable per-day ratios (NaN when the denominator is zero); never summed.
DAILY_RATIOS: tuple[str, ...] = (
    "stars_mean", "sentiment_mean", *(f"{c}_per100" for c in CATEGORIES), "praise_per100",
    "on_time_share", "mean_lateness_min", "no_show_rate", "rework_rate",
    "responded_30m_share", "resolved_24h_share", "resolved_48h_share",
)
_FLOAT_ADDITIVE = {"late_minutes_sum", "stars_sum", "stars_sq_sum", "sentiment_sum",
                   "sentiment_sq_sum"}

COMPONENT_COLUMNS: tuple[str, ...] = (
    "stars", "sentiment", "attitude_per100", "skill_per100", "rework_rate", "logistics_per100",
    "on_time_share", "praise_per100",
)

TABLES: dict[str, dict[str, str]] = {
    "worker_daily_scores": {
        "partition_date": "str", "worker_id": "str",
        **{c: ("float64" if c in _FLOAT_ADDITIVE else "int64") for c in DAILY_ADDITIVE},
        **{c: "float64" for c in DAILY_RATIOS},
    },
    "worker_scorecards": {
        "partition_date": "str", "worker_id": "str", "name": "str", "city": "str",
        "service_types": "str", "window_start": "str", "window_end": "str",
        "orders": "int64", "reviews": "int64", "complaints": "int64", "praise": "int64",
        "ranked": "int64", "composite": "float64", "previous_composite": "float64",
        "trend": "float64", "percentile": "float64", "rank": "float64",
        **{f"score_{c}": "float64" for c in (*CATEGORIES, "satisfaction")},
        **{f"shrunk_{c}": "float64" for c in COMPONENT_COLUMNS},
        **{f"raw_{c}": "float64" for c in COMPONENT_COLUMNS},
        "mean_lateness_min": "float64", "no_show_rate": "float64",
        "responded_30m_share": "float64", "resolved_24h_share": "float64",
        "resolved_48h_share": "float64", "serious_attitude_complaints": "int64",
        "top_subreasons": "str",
    },
    "training_recommendations": {
        "partition_date": "str", "worker_id": "str", "category": "str", "subreason": "str",
        "worker_per100": "float64", "typical_per100": "float64", "mentions": "int64",
        "on_time_share": "float64", "course_id": "str", "course_title": "str",
        "course_hours": "float64", "evidence_ids": "str", "evidence_quotes": "str", "reason": "str",
    },
    "incentive_decisions": {
        "partition_date": "str", "worker_id": "str", "tier": "str", "bonus_yuan": "int64",
        "excluded": "int64", "reason": "str", "evidence": "str",
    },
}


# Registered on storage.tables.METADATA at import, so Warehouse can create and write them.
WAREHOUSE_TABLES: dict[str, sa.Table] = {
    name: table_from_dtypes(name, dtypes, keys=("worker_id",)) for name, dtypes in TABLES.items()
}
for _name, _table in WAREHOUSE_TABLES.items():
    if not any(index.name == f"ix_{_name}_worker_id" for index in _table.indexes):
        sa.Index(f"ix_{_name}_worker_id", "worker_id", _table=_table)


def conform(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Exactly the table's columns, in order and with its dtypes (missing columns -> empty)."""
    spec = TABLES[table]
    out = pd.DataFrame(index=df.index)
    for column, dtype in spec.items():
        values = df[column] if column in df.columns else pd.Series(pd.NA, index=df.index)
        if dtype == "int64":
            out[column] = pd.to_numeric(values, errors="coerce").fillna(0).astype("int64")
        elif dtype == "float64":
            out[column] = pd.to_numeric(values, errors="coerce").astype("float64")
        else:
            out[column] = values.astype("str").where(values.notna(), None)
    return out.reset_index(drop=True)
