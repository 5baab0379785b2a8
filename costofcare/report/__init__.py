"""report step of the costofcare pipeline."""
