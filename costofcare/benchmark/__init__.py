"""benchmark step of the costofcare pipeline."""
