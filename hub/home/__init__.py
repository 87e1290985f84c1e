"""The home page: a returning person's cohorts, teams and spaces."""
