"""scenarios step of the costofcare pipeline."""
