"""The feedback spine as a library (no Dagster): row rules, de-duplication, a day in pieces.

`spine.rows` validates and cleans source rows, `spine.merge` de-duplicates them into records,
`spine.buckets` runs both over a day read from the warehouse one range of workers at a time,
and `spine.summary` keeps the totals the asset reports.
"""
