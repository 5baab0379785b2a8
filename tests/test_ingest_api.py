"""Pin the public API of the ingest step, so accidental exports show up in review."""

import costofcare.ingest as ingest


def test_public_api():
    assert sorted(ingest.__all__) == sorted(
        [
            "ISSUE_CODES", "ISSUE_COLUMNS", "VALUE_COLUMNS", "ArchiveLimits", "Coerced",
            "IngestResult", "IngestSummary", "Issue", "Rejected", "ReturnFiller",
            "ReturnResult", "WageFloors", "check_archive", "coerce", "example_return",
            "fill_return", "find_returns", "ingest_files", "iter_returns", "read_return",
            "write_outputs", "write_validation_workbook",
        ]
    )  # fmt: skip
    for name in ingest.__all__:
        assert getattr(ingest, name) is not None


def test_issue_columns_follow_the_contract():
    assert ingest.ISSUE_COLUMNS == (
        "severity", "code", "file", "sheet", "cell", "field", "message", "raw_value",
        "return_id", "provider",
    )  # fmt: skip


def test_every_issue_code_has_a_severity_and_an_explanation():
    for code, (severity, meaning) in ingest.ISSUE_CODES.items():
        assert severity in ("error", "warning"), code
        assert meaning.endswith("."), code
