"""Spaces: community, cohort, team and affinity spaces and who belongs to them."""
