"""templates step of the costofcare pipeline."""
