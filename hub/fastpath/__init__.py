"""What every request pays, kept small. Each piece earns its place against a figure in
bench/RESULTS.md ("Forum pages under load", bench/forums.py: the kept thread page against a
bare Flask ceiling), and each can go without changing what any page shows, only its cost.

- every_request.py: a session cookie's signature checked once per cookie per process, one CSRF
  token signed per session (tokens have no time limit), and Flask-Limiter's request-wide check
  left out while no request-wide limit exists. Together ~200 us of a ~970 us kept thread page.
  Removed: each request checks, signs and asks again.
- page_cache.py: rendered pages kept per person under a stamp read from the database on every
  request (never invalidated by hand, so every process agrees). A kept thread page serves at
  ~8x the rendered one's throughput. Removed (HUB_PAGE_CACHE_MB=0 turns it off): every thread
  page renders its fifty posts again.
- plain_sql.py: the thread page's one wide statement run on the driver's cursor, compiled once
  per dialect (~105 us instead of ~220 us through the ORM). Removed: the same SQL through Core.
- session.py: the ORM session takes in the person that statement already read, so a kept page
  never reads them twice nor makes a session it does not need. Removed: Flask-Login reads the
  person again through the ORM.
- versions.py: one after-flush listener moves a counter (a thread's `version`) with every
  change its kept page shows, as the domains register; the stamp reads that one number instead
  of every row. Removed: kept pages would go stale (it is what makes page_cache correct).
"""
