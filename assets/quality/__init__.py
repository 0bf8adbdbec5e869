"""Data quality gate: GX suites, asset checks, reconciliation ledger and drift (docs/data_quality.md)."""
