"""costs step of the costofcare pipeline."""
