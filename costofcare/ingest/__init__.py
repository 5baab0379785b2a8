"""ingest step of the costofcare pipeline."""
