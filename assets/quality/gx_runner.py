"""Run a suite on a DataFrame with an ephemeral Great Expectations 1.x context and summarise it.

GX is imported inside `run_suite` (about 5 s); the summary is plain data, so checks, tests and the
results table never touch GX objects. Example rows are PII-masked and cut short before they leave.
Data docs (optional) accumulate under `docs_dir`: each check only stores its validation result on
disk beside the site; `build_data_docs` renders the new pages and the index once per run, so its
index lists every run, not only the last one, and a check's cost does not grow with the history.
"""
from __future__ import annotations

import copy
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from assets.quality.reads import vectorisable
from assets.quality.rules import Rule, Suite

MAX_EXAMPLES = 3
MAX_TEXT = 60  # characters of a free-text value shown in an example row


@dataclass(frozen=True)
class Outcome:
    """The result of one expectation."""

    expectation: str
    description: str
    success: bool
    unexpected_count: int
    element_count: int
    observed: Any
    examples: tuple[dict[str, Any], ...]
    error: str | None = None


@dataclass(frozen=True)
class SuiteResult:
    """The result of one suite on one partition."""

    suite: str
    asset: str
    element_count: int
    outcomes: tuple[Outcome, ...]

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def failed(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.success)


def mask_value(value: Any) -> Any:
    """PII-mask and shorten a free-text value for display; other values pass through."""
    if not isinstance(value, str):
        return value
    from nlp.text import mask_pii

    masked = mask_pii(value)
    if len(masked) <= MAX_TEXT:
        return masked
    return masked[:MAX_TEXT] + f"…(+{len(masked) - MAX_TEXT})"


def json_safe(value: Any) -> Any:
    """A JSON-serialisable version of a GX or pandas value."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [json_safe(v) for v in value]
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return value.isoformat()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def prepare_frame(suite: Suite, frame: pd.DataFrame) -> pd.DataFrame:
    """Positional index (examples are looked up by it) and real timestamps for time rules."""
    prepared = frame.reset_index(drop=True)
    for column in suite.timestamp_columns:
        if column in prepared.columns and not pd.api.types.is_datetime64_any_dtype(
                prepared[column]):
            prepared[column] = pd.to_datetime(prepared[column], errors="coerce", format="ISO8601")
    return prepared


def example_rows(frame: pd.DataFrame, suite: Suite, rule: Rule,
                 positions: Sequence[Any]) -> tuple[dict[str, Any], ...]:
    """A few offending rows: their key columns and the rule's columns, masked."""
    columns = [c for c in (*suite.key_columns, *rule.columns, *suite.context_columns)
               if c in frame.columns]
    rows = []
    for position in list(positions)[:MAX_EXAMPLES]:
        if not isinstance(position, int) or not 0 <= position < len(frame):
            continue
        record = frame.iloc[position][list(dict.fromkeys(columns))].to_dict()
        rows.append({k: json_safe(v if k in suite.key_columns else mask_value(v))
                     for k, v in record.items()})
    return tuple(rows)


def summarise(suite: Suite, frame: pd.DataFrame, validation: Any) -> SuiteResult:
    """Turn a GX validation result into a SuiteResult, in the suite's rule order.

    GX groups results by column, not in suite order; each expectation carries its rule index.
    """
    by_rule = {int(r.expectation_config.meta["rule"]): r for r in validation.results}
    outcomes = []
    for index, rule in enumerate(suite.rules):
        result = by_rule[index]
        details = result.result or {}
        error = result.exception_info.get("exception_message") \
            if result.exception_info.get("raised_exception") else None
        observed = details.get("observed_value")
        if "details" in details:
            observed = {"observed": observed, "details": details["details"]}
        outcomes.append(Outcome(
            expectation=result.expectation_config.type, description=rule.description,
            success=bool(result.success),
            unexpected_count=int(details.get("unexpected_count") or 0),
            element_count=int(details.get("element_count") or len(frame)),
            observed=json_safe(observed),
            examples=example_rows(frame, suite, rule,
                                  details.get("partial_unexpected_index_list") or ()),
            error=error))
    return SuiteResult(suite=suite.name, asset=suite.asset, element_count=len(frame),
                       outcomes=tuple(outcomes))


def _view(class_name: str) -> dict[str, str]:
    return {"module_name": "assets.quality.gx_views", "class_name": class_name}


def _context(docs_dir: Path | None) -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig, InMemoryStoreBackendDefaults, ProgressBarsConfig)

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False))
    if docs_dir is not None:
        def filesystem(path: Path) -> dict[str, str]:
            return {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(path)}
        config.stores["validation_results_store"] = {
            "class_name": "ValidationResultsStore",
            "store_backend": filesystem(docs_dir.resolve() / "validation_results")}
        config.data_docs_sites = {"local": {
            "class_name": "SiteBuilder", "store_backend": filesystem(docs_dir.resolve()),
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder",
                                   "validation_results_limit": 1000,
                                   "view": _view("CachedIndexPageView")},
            "site_section_builders": {section: {"view": _view("CachedPageView")}
                                      for section in ("expectations", "validations", "profiling")}}}
    context = gx.get_context(mode="ephemeral", project_config=config)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


_CONTEXTS: dict[Path | None, Any] = {}


def cached_context(docs_dir: Path | None) -> Any:
    """One ephemeral context per process and docs directory, shared by every check step."""
    key = docs_dir.resolve() if docs_dir is not None else None
    if key not in _CONTEXTS:
        context = _context(docs_dir)
        context.data_sources.add_pandas("pandas")
        _CONTEXTS[key] = context
    return _CONTEXTS[key]


def _batch_definition(context: Any, asset: str) -> Any:
    source = context.data_sources.get("pandas")
    names = {a.name for a in source.assets}
    found = source.get_asset(asset) if asset in names else source.add_dataframe_asset(asset)
    if "partition" not in {b.name for b in found.batch_definitions}:
        return found.add_batch_definition_whole_dataframe("partition")
    return found.get_batch_definition("partition")


def _forget(context: Any, name: str) -> None:
    """Drop a previous run's checkpoint, validation definition and suite of this name."""
    for store in (context.checkpoints, context.validation_definitions, context.suites):
        try:
            store.delete(name)
        except Exception:  # not there yet: GX raises its own not-found errors per store
            continue


def run_suite(suite: Suite, frame: pd.DataFrame, *, run_name: str,
              docs_dir: Path | None = None) -> SuiteResult:
    """Validate `frame` against `suite`; with `docs_dir`, also store the result (for the docs)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    prepared = prepare_frame(suite, frame)
    context = cached_context(docs_dir)
    _forget(context, suite.name)
    batch_definition = _batch_definition(context, suite.asset)
    expectations = [getattr(gxe, r.expectation)(**dict(r.kwargs), description=r.description,
                                                meta={"rule": i})
                    for i, r in enumerate(suite.rules)]
    gx_suite = context.suites.add(gx.ExpectationSuite(name=suite.name, expectations=expectations))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite.name, data=batch_definition, suite=gx_suite))
    checkpoint = context.checkpoints.add(gx.Checkpoint(
        name=suite.name, validation_definitions=[definition], actions=[],
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": MAX_EXAMPLES}))
    result = checkpoint.run(batch_parameters={"dataframe": vectorisable(prepared)},
                            run_id=gx.RunIdentifier(run_name=run_name))
    validation = next(iter(result.run_results.values()))
    return summarise(suite, prepared, validation)


def build_data_docs(docs_dir: Path | None) -> Path | None:
    """Render the data docs under `docs_dir` once: pages of results not yet rendered, and the index.

    Each expectation suite's page is rebuilt from its latest new result. Returns the index path;
    None (nothing done) without `docs_dir` or stored results.
    """
    if docs_dir is None or not (docs_dir / "validation_results").is_dir():
        return None
    import great_expectations as gx
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier)

    context = _context(docs_dir)
    pages = docs_dir.resolve() / "validations"
    store = context.validation_results_store
    new = [key for key in store.list_keys()
           if not (pages / ("/".join(key.to_tuple()) + ".html")).exists()]
    latest: dict[str, Any] = {}
    for key in sorted(new, key=lambda k: str(k.run_id.run_time)):
        latest[key.expectation_suite_identifier.name] = key
    suites = []
    for name, key in latest.items():
        try:
            expectations = [copy.copy(r.expectation_config.to_domain_obj())
                            for r in store.get(key).results]
            context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
            suites.append(ExpectationSuiteIdentifier(name=name))
        except Exception:  # an expectations page is a convenience; the results pages matter
            continue
    # With no identifiers GX rebuilds every page; an unknown suite makes it build the index only.
    identifiers = [*new, *suites] or [ExpectationSuiteIdentifier(name="__index_only__")]
    context.build_data_docs(resource_identifiers=identifiers)
    return docs_dir / "index.html"


def outcome_details(outcome: Outcome) -> str:
    """JSON text of what a data engineer needs to see about one expectation."""
    return json.dumps({"description": outcome.description, "observed": outcome.observed,
                       "examples": list(outcome.examples), "error": outcome.error},
                      ensure_ascii=False, default=str)
