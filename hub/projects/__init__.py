"""Projects and measures: the statistics core for run charts, Shewhart charts and small-cell suppression."""
