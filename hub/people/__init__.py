"""People: users, organizations, teams, cohorts and profiles."""
