"""Improvement projects: aims, driver diagrams, PDSA cycles, measures and their charts."""
