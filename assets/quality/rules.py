"""The vocabulary of the suites: a `Rule` names a GX 1.x expectation class and its arguments,
a `Suite` groups the rules of one asset; plain data, so it imports without GX."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class Rule:
    """One expectation: GX class name, its keyword arguments, and a short human description."""

    expectation: str
    kwargs: Mapping[str, Any]
    description: str

    @property
    def columns(self) -> tuple[str, ...]:
        """Columns the rule looks at (for example rows in metadata)."""
        names = [self.kwargs.get(k) for k in ("column", "column_A", "column_B")]
        return tuple(n for n in names if isinstance(n, str))

    @property
    def reads(self) -> tuple[str, ...]:
        """Columns whose values the rule needs: its own and those of its row condition."""
        condition = self.kwargs.get("row_condition") or ""
        return (*self.columns, *re.findall(r"([A-Za-z_]\w*)\s*[=!<>]=?", condition))

    @property
    def checks_column_set(self) -> bool:
        """A rule on the table's column names, not on any values."""
        return self.expectation == "ExpectTableColumnsToMatchSet"


@dataclass(frozen=True)
class Suite:
    """A named list of rules for one asset, with the columns that identify a row."""

    name: str
    asset: str
    rules: tuple[Rule, ...]
    key_columns: tuple[str, ...]
    timestamp_columns: tuple[str, ...] = field(default=())
    baseline: Mapping[str, Any] = field(default_factory=dict)  # numbers a drift rule came from
    context_columns: tuple[str, ...] = ()  # shown (masked) in every example row

    @property
    def read_columns(self) -> tuple[str, ...]:
        """Every column whose values a rule, an example row or a time rule of the suite uses."""
        names = [*self.key_columns, *(c for r in self.rules for c in r.reads),
                 *self.context_columns, *self.timestamp_columns]
        return tuple(dict.fromkeys(names))

    @property
    def needs_column_names(self) -> bool:
        """Whether a rule checks the table's column names (so every stored column is listed)."""
        return any(r.checks_column_set for r in self.rules)


def expect(expectation: str, description: str, **kwargs: Any) -> Rule:
    """A rule from a GX expectation class name, a description and the expectation's arguments."""
    return Rule(expectation=expectation, kwargs=kwargs, description=description)


def columns_present(columns: tuple[str, ...]) -> Rule:
    """Every required column exists; extra columns are allowed."""
    return expect("ExpectTableColumnsToMatchSet", f"required columns present: {', '.join(columns)}",
                  column_set=list(columns), exact_match=False)


def not_null(column: str) -> Rule:
    return expect("ExpectColumnValuesToNotBeNull", f"{column} is never null", column=column)


def unique(column: str) -> Rule:
    return expect("ExpectColumnValuesToBeUnique", f"{column} is unique", column=column)


def in_set(column: str, values: tuple[Any, ...]) -> Rule:
    return expect("ExpectColumnValuesToBeInSet", f"{column} in {{{', '.join(map(str, values))}}}",
                  column=column, value_set=list(values))


def between(column: str, low: float, high: float) -> Rule:
    return expect("ExpectColumnValuesToBeBetween", f"{column} between {low} and {high}",
                  column=column, min_value=low, max_value=high)


def not_before(later: str, earlier: str) -> Rule:
    """`earlier <= later` wherever both are present."""
    return expect("ExpectColumnPairValuesAToBeGreaterThanB", f"{earlier} <= {later}",
                  column_A=later, column_B=earlier, or_equal=True,
                  ignore_row_if="either_value_is_missing")


def day_bounds(partition_date: str, now: datetime | None = None) -> tuple[datetime, datetime]:
    """[start, end) of the partition day, the end capped at `now` (no feedback from the future)."""
    start = datetime.combine(date.fromisoformat(partition_date), datetime.min.time())
    end = start + timedelta(days=1)
    return start, min(end, now) if now is not None else end


def created_in_day(partition_date: str, now: datetime | None) -> Rule:
    start, end = day_bounds(partition_date, now)
    return expect("ExpectColumnValuesToBeBetween",
                  f"created_at inside {partition_date} and not in the future",
                  column="created_at", min_value=start, max_value=end, strict_max=True)


def ordered_timestamps() -> tuple[Rule, ...]:
    """created_at <= first_response_at <= resolved_at (and created_at <= resolved_at)."""
    return (not_before("first_response_at", "created_at"),
            not_before("resolved_at", "first_response_at"),
            not_before("resolved_at", "created_at"))


def key_list_pattern(keys: tuple[str, ...]) -> str:
    """Regex for '' or a ';'-joined list of the given keys."""
    one = "(?:" + "|".join(k.replace(".", r"\.") for k in keys) + ")"
    return f"^(?:{one}(?:;{one})*)?$"
