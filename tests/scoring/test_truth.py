"""Truth test: scores on the demo company recover the hidden worker quality.

Demo company of 200 workers x 30 days (seed 7), the spine's feedback function and the rule
classifier, scored exactly as the assets do (bench/score_truth.py prints the same numbers).
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

try:
    from bench.score_truth import TruthReport, run_truth
except ModuleNotFoundError:  # plain `pytest` (not `python -m pytest`) leaves the repo root off
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.score_truth import TruthReport, run_truth

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> TruthReport:
    result = run_truth(workers=200, days=30, seed=7, classifier="rules",
                       workdir=tmp_path_factory.mktemp("truth"))
    print("\n" + "\n".join(result.lines()))
    return result


def test_composite_ranks_workers_like_latent_quality(report: TruthReport) -> None:
    assert report.eligible_workers >= 150
    assert report.spearman >= 0.8


def test_late_and_rude_workers_are_the_ones_flagged(report: TruthReport) -> None:
    assert report.precision >= 0.8 and report.recall >= 0.8
    by_category = report.by_category.set_index("category")
    assert (by_category["truth"] > 0).all()  # both archetypes are present to be found
