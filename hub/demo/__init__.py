"""`flask hub seed-demo`: a realistic demo collaborative, one module per domain (the people,
organizations, cohorts, teams and spaces; forums; library; chat), each written through the
domains' own services and safe to run again. Imported only by hub.cli (and the benchmarks that
need a seeded world)."""
