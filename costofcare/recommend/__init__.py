"""recommend step of the costofcare pipeline."""
