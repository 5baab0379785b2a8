"""Sample size in sight: how many providers' cost returns stand behind a recommended rate,
the warning below the run's min_count and the refusal a service can ask for."""

from __future__ import annotations

from types import SimpleNamespace

import openpyxl
import pytest

from costofcare.errors import ConfigError, UserError
from costofcare.pipeline.commands import headline
from costofcare.recommend import recommend_service
from costofcare.recommend.method import RecommendationInputError
from costofcare.recommend.sample import SampleSize, providers_behind
from costofcare.report.summary import summary
from costofcare.report.workbook import write_recommendation_workbook
from tests.support.homecare import home_care_config, home_care_market

WARNING = (
    "home care: only 2 providers' cost returns stand behind the recommended rate, fewer than "
    "the run's min_count of 5; treat the rate with caution and collect more returns"
)


def two_returns():
    """Three home care providers with current rates; only A and B sent cost returns."""
    return home_care_market("AB")


def config(**kw):
    return home_care_config(**kw)


@pytest.fixture
def rec():
    rates, costs = two_returns()
    return recommend_service(config(), rates, costs)


def test_providers_behind_counts_providers_with_unit_costs(rec):
    # A and B have cost returns; C has only a current rate.
    assert providers_behind(rec.providers) == 2
    # the percentile is the median of those two: (23 + 26.25) / 2 with no changes
    assert rec.figures["target_rate"].value == pytest.approx((18 + 4 + 1 + 20 + 5 + 1.25) / 2)


def test_sample_size_warns_below_min_count_only():
    assert SampleSize("home_care", 2, 5).warning() == WARNING
    assert SampleSize("home_care", 5, 5).warning() == ""
    assert not SampleSize("home_care", 5, 5).too_few
    assert (
        SampleSize("care_home", 1, 3)
        .warning()
        .startswith("care home: only 1 provider's cost return stands behind the recommended rate")
    )


def test_json_summary_gives_the_count_and_warns(rec):
    data = summary({"home_care": rec}, min_count=5)
    entry = data["services"]["home_care"]
    assert entry["providers_behind"] == 2
    assert entry["sample_warning"] == WARNING
    assert data["sample_warnings"] == [WARNING]
    assert data["min_count"] == 5
    # with min_count 2 the two returns are enough: the count stays, the warning goes
    data = summary({"home_care": rec}, min_count=2)
    assert data["services"]["home_care"]["providers_behind"] == 2
    assert "sample_warning" not in data["services"]["home_care"]
    assert data["sample_warnings"] == []


def test_cli_headline_shows_the_count_and_the_warning(rec):
    result = SimpleNamespace(
        config=SimpleNamespace(council="Anytown"), summary=summary({"home_care": rec}, 5)
    )
    text = headline(result)
    assert "(2 providers' cost returns behind it)" in text
    assert f"  warning: {WARNING}" in text.splitlines()


def test_summary_sheet_shows_the_count_and_warns(rec, tmp_path):
    path = tmp_path / "recommendation.xlsx"
    write_recommendation_workbook(path, {"home_care": rec}, min_count=5)
    ws = openpyxl.load_workbook(path)["Summary"]
    cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value}
    header = next(k for k, v in cells.items() if v == "Cost returns behind the rate")
    assert cells[(header[0] + 1, header[1])] == 2
    assert f"Warning: {WARNING}" in cells.values()
    write_recommendation_workbook(path, {"home_care": rec}, min_count=2)
    ws = openpyxl.load_workbook(path)["Summary"]
    assert not [c.value for row in ws.iter_rows() for c in row if str(c.value).startswith("Warn")]


def test_min_providers_refuses_with_the_words_a_user_reads():
    rates, costs = two_returns()
    with pytest.raises(RecommendationInputError) as caught:
        recommend_service(config(min_providers=3), rates, costs)
    assert str(caught.value) == (
        "recommend.home_care.min_providers = 3: only 2 providers' cost returns stand behind "
        "the home care rate, so no rate is recommended; collect more returns or lower "
        "min_providers"
    )
    assert isinstance(caught.value, UserError)  # one line on stderr, exit code 2
    # two are enough when two are asked for
    assert recommend_service(config(min_providers=2), rates, costs).figures


@pytest.mark.parametrize("value", [0, 2.5, True, "3"])
def test_min_providers_must_be_a_whole_number_of_at_least_one(value):
    with pytest.raises(ConfigError) as caught:
        config(min_providers=value)
    assert str(caught.value) == (
        f"recommend.home_care.min_providers must be a whole number of at least 1, got {value!r}"
    )


def test_min_providers_is_listed_with_the_settings():
    rows = dict(config(min_providers=3).as_rows())
    assert rows["recommend.home_care.min_providers"] == "3"
