"""Every validation is kept: data_quality_results rows per run, and accumulating GX data docs."""
from __future__ import annotations

import json

from assets.quality import checks
from assets.quality.gx_runner import build_data_docs
from check_harness import run_checks
from quality_frames import DAY, feedback_frame
from storage.quality_results import read_results


def test_each_run_appends_results_and_data_docs_list_every_run(warehouse, warehouse_url,
                                                               gx_docs) -> None:
    bad = feedback_frame()
    bad.loc[0, "rating"] = 9
    for frame in (feedback_frame(), bad):
        run_checks(warehouse_url, DAY, {"feedback": {"feedback": frame}}, [checks.feedback_valid])

    stored = read_results(warehouse, check_name="feedback_valid")
    run_ids = stored["details"].map(lambda d: json.loads(d)["run_id"])
    runs = stored.groupby(run_ids)["passed"].all()
    assert len(stored) == 2 * len(stored["expectation"].unique())
    assert sorted(runs.tolist()) == [False, True]
    failed = stored.loc[~stored["passed"]].iloc[0]
    assert failed["expectation"] == "rating between 1 and 5" and failed["unexpected_count"] == 1
    details = json.loads(failed["details"])
    assert details["examples"][0]["rating"] == 9 and details["run_id"]

    assert not (gx_docs / "index.html").exists()  # checks only store their results
    assert len(list((gx_docs / "validation_results").rglob("*.json"))) == 2
    assert build_data_docs(gx_docs) == gx_docs / "index.html"
    index = (gx_docs / "index.html").read_text(encoding="utf-8")
    pages = list((gx_docs / "validations" / "feedback_valid").rglob("*.html"))
    assert len(pages) == 2 and "feedback_valid" in index
    assert (gx_docs / "expectations" / "feedback_valid.html").exists()
    assert build_data_docs(gx_docs) == gx_docs / "index.html"  # again: nothing new, index only
    assert len(list((gx_docs / "validations" / "feedback_valid").rglob("*.html"))) == 2
