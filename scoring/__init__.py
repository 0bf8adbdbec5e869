"""Worker quality scores (plain pandas, never Dagster): see docs/scoring.md.

daily (per worker and day) -> store (window sums in SQL) -> shrinkage/window (composite, trend,
percentile) -> decisions (training, incentives) -> export/cli (HR scorecards); pipeline ties them
to the warehouse for the assets in assets/scores.py.
"""
