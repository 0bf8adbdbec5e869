"""Turn a suite result into what Dagster shows and what the warehouse keeps.

`validate` is the one path every check takes: run the suite, store one row per expectation in
`data_quality_results`, and return an `AssetCheckResult` whose metadata shows each expectation,
its unexpected count and a few masked example rows. A crash inside GX or a missing table becomes a
failed check with the error in its metadata, never a crashed run.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, MetadataValue

from assets.quality.gx_runner import Outcome, SuiteResult, json_safe, outcome_details, run_suite
from assets.quality.rules import Suite
from storage.quality_results import QualityRow, write_results
from storage.warehouse import Warehouse

# Ignored; relative to the working directory like var/*.db. None skips data docs (fast tests).
GX_DOCS_DIR: Path | None = Path("var/gx_docs")


def _cell(value: Any) -> str:
    text = json.dumps(json_safe(value), ensure_ascii=False) if not isinstance(value, str) else value
    return text.replace("|", "\\|").replace("\n", " ")[:160]


def expectations_table(result: SuiteResult) -> str:
    """Markdown table: one line per expectation, failures first."""
    lines = ["| ok | expectation | unexpected | rows | observed / example |",
             "|---|---|---|---|---|"]
    for o in sorted(result.outcomes, key=lambda o: o.success):
        shown = o.error or (o.examples[0] if o.examples else o.observed)
        if o.success and not isinstance(o.observed, (int, float)):
            shown = None  # a passing rule's observed value is noise (for example the column list)
        example = _cell(shown) if shown else ""
        lines.append(f"| {'✅' if o.success else '❌'} | {_cell(o.description)} | "
                     f"{o.unexpected_count} | {o.element_count} | {example} |")
    return "\n".join(lines)


def failures(result: SuiteResult) -> list[dict[str, Any]]:
    return [{"expectation": o.description, "gx": o.expectation,
             "unexpected_count": o.unexpected_count, "observed": o.observed,
             "examples": list(o.examples), "error": o.error} for o in result.failed]


def check_metadata(suite: Suite, result: SuiteResult, extra: dict[str, Any]) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "suite": suite.name, "rows": result.element_count,
        "expectations_evaluated": len(result.outcomes),
        "expectations_failed": len(result.failed),
        "failed": MetadataValue.json(failures(result)),
        "expectations": MetadataValue.md(expectations_table(result)),
    }
    if GX_DOCS_DIR is not None:
        metadata["gx_data_docs"] = MetadataValue.path(str((GX_DOCS_DIR / "index.html").resolve()))
    if suite.baseline:
        metadata["baseline"] = MetadataValue.json(json_safe(dict(suite.baseline)))
    metadata.update(extra)
    return metadata


def crashed(suite: Suite, frame: pd.DataFrame, error: Exception) -> SuiteResult:
    """A SuiteResult that records an exception as one failed expectation."""
    outcome = Outcome(expectation="check_ran", description=f"{suite.name} could run",
                      success=False, unexpected_count=0, element_count=len(frame), observed=None,
                      examples=(), error=f"{type(error).__name__}: {error}"[:500])
    return SuiteResult(suite=suite.name, asset=suite.asset, element_count=len(frame),
                       outcomes=(outcome,))


def store(warehouse: Warehouse, context: AssetCheckExecutionContext, check_name: str,
          severity: AssetCheckSeverity, result: SuiteResult, partition_date: str) -> None:
    checked_at = datetime.now().replace(microsecond=0)
    rows = [QualityRow(partition_date=partition_date, check_name=check_name, asset=result.asset,
                       severity=severity.value, passed=o.success, expectation=o.description,
                       unexpected_count=o.unexpected_count, element_count=o.element_count,
                       details=_with_run(outcome_details(o), context.run.run_id, o.expectation),
                       checked_at=checked_at)
            for o in result.outcomes]
    write_results(warehouse, rows)


def _with_run(details: str, run_id: str, gx_type: str) -> str:
    data = json.loads(details)
    data.update({"run_id": run_id, "gx": gx_type})
    return json.dumps(data, ensure_ascii=False)


def validate(context: AssetCheckExecutionContext, warehouse: Warehouse, suite: Suite,
             frame: pd.DataFrame, severity: AssetCheckSeverity,
             extra: dict[str, Any] | None = None) -> AssetCheckResult:
    """Run `suite` on `frame`, store the outcome, and return the check result."""
    partition_date = context.partition_key
    try:
        result = run_suite(suite, frame, run_name=f"{suite.name} {partition_date}",
                           docs_dir=GX_DOCS_DIR)
    except Exception as error:  # a broken check must report, not take the run down
        context.log.exception("suite %s crashed", suite.name)
        result = crashed(suite, frame, error)
    store(warehouse, context, context.check_specs[0].name, severity, result, partition_date)
    return AssetCheckResult(passed=result.success, severity=severity,
                            metadata=check_metadata(suite, result, extra or {}),
                            description=_summary(result))


def _summary(result: SuiteResult) -> str:
    if result.success:
        return f"{len(result.outcomes)} expectations passed on {result.element_count} rows"
    failed = "; ".join(f"{o.description} ({o.unexpected_count} rows)" if o.unexpected_count
                       else o.description for o in result.failed)
    return f"failed: {failed}"[:1000]


def skipped(context: AssetCheckExecutionContext, warehouse: Warehouse, asset: str, reason: str,
            extra: dict[str, Any] | None = None) -> AssetCheckResult:
    """A drift check without enough history passes, says why, and is stored like any result."""
    outcome = Outcome(expectation="enough_history", description=f"skipped: {reason}",
                      success=True, unexpected_count=0, element_count=0, observed=None,
                      examples=())
    result = SuiteResult(suite=context.check_specs[0].name, asset=asset, element_count=0,
                         outcomes=(outcome,))
    store(warehouse, context, context.check_specs[0].name, AssetCheckSeverity.WARN, result,
          context.partition_key)
    return AssetCheckResult(passed=True, severity=AssetCheckSeverity.WARN,
                            description=reason, metadata={"skipped": reason, **(extra or {})})
