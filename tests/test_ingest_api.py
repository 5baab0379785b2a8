"""The ingest package's contracts: issue columns and codes.

Its exported names are pinned with every other package's in ``tests/test_public_api.py``.
"""

import costofcare.ingest as ingest


def test_issue_columns_follow_the_contract():
    assert ingest.ISSUE_COLUMNS == (
        "severity", "code", "file", "sheet", "cell", "field", "message", "raw_value",
        "return_id", "provider",
    )  # fmt: skip


def test_every_issue_code_has_a_severity_and_an_explanation():
    for code, (severity, meaning) in ingest.ISSUE_CODES.items():
        assert severity in ("error", "warning"), code
        assert meaning.endswith("."), code
