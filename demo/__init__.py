"""A seeded, deterministic fictional 家政 company written into the source database (never imports dagster).

`generate(url, end_date, days=60, seed=7, workers=200)` replaces the six source tables of
docs/contracts.md (workers, customers, orders, reviews, complaints, worker_latent_quality) in one
transaction and returns the rows written per table; `feedback demo` is its command line.
Same arguments, same tables: every random draw comes from a SHA-512-seeded stream per
(seed, part, worker/order), never from hash or dict ordering.

Hidden quality (`worker_latent_quality`): punctuality, attitude and skill in [0, 1] drawn per
archetype — star 10%, good 30%, average 26%, late 8%, rude 8%, unskilled 8%, new 10% (exact head
counts). `overall = 0.6 * (0.30 punctuality + 0.35 attitude + 0.35 skill) + 0.4 * min(the three)`:
one serious flaw spoils the service, so the late, rude and unskilled groups rank low overall.

What happens on an order follows the worker's quality: lateness (late workers 20-90 minutes late on
about 60% of their orders), no-shows, attitude and skill problems with chance
0.01 + 0.9 (1 - quality)^3, rework after skill problems. Reviews (about 60% of completed orders) mention those events and
praise what went well; stars follow quality and events with noise. Complaints (about 9% of orders)
are agent-written; about 8% of them arrive a second time on another channel, worded differently.
Times are naive Asia/Shanghai; nothing is later than `end_date` 23:59:59 (the export moment)
except the deliberately future rows below.

Deliberately bad rows (about 1.2% of reviews + complaints, spread evenly over the days):
- reviews, 1.0% of rows, in equal shares: empty text, whitespace-only text, unknown worker_id
  (W9001..), rating 0 or 6, the same review submitted twice (same order and text, new id, a few
  seconds later), created_at a year in the future (device clock; outside every past partition);
- complaints, 2.5% of rows, in equal shares: resolved_at before created_at, empty or blank
  agent_text, unknown worker_id.
"""
from demo.generate import generate
from demo.inbox_sample import write_inbox_sample

__all__ = ["generate", "write_inbox_sample"]
