"""The price calculator's defaults: each from dated published evidence, and the price they give.

With only a start date, ``costofcare price home_care`` prices 2025-26 on the shipped defaults.
The hand build-up below follows docs/costs.md; the published figures are the Homecare
Association's 2025-26 minimum price (£32.14 a contact hour) and its statutory employment cost
of a care worker at the minimum wage (£22.71 a contact hour, the costs before running the
business and the surplus).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tomllib
from importlib import resources

import pytest

from costofcare.cli import main
from costofcare.costs.price import price
from costofcare.costs.published import compare_published, published_buildup
from costofcare.parameters import load

NLW_2025 = 12.21  # The National Minimum Wage (Amendment) Regulations 2025
WEEKS = 365 / 7


def assumptions() -> dict:
    text = resources.files("costofcare.costs").joinpath("data/assumptions.toml").read_text()
    return tomllib.loads(text)


def test_every_default_names_its_source_and_evidence_its_date():
    data = assumptions()
    sources = data["sources"]
    for service in ("home_care", "supported_living", "care_home"):
        for key, entry in data[service].items():
            assert entry["source"] in sources, (service, key)
            assert entry["note"], (service, key)
            if entry["source"] != "convention":
                assert isinstance(entry["as_of"], dt.date), (service, key)
                assert sources[entry["source"]].get("url"), entry["source"]


def test_overheads_default_is_worked_back_from_the_2025_26_minimum_price():
    published = published_buildup("2025-26").set_index("line_item")["value"]
    home_care = assumptions()["home_care"]
    surplus = home_care["surplus_rate"]["value"]
    # 32.14 / 1.03 = 31.2039 total cost; over the 22.71 of direct costs: a 37.40% mark-up
    expected = (
        published["headline_minimum_price"]
        / (1 + surplus)
        / published["statutory_employment_costs"]
        - 1
    )
    assert home_care["overheads_rate"]["value"] == pytest.approx(expected, abs=1e-6)
    assert expected == pytest.approx(32.14 / 1.03 / 22.71 - 1)


def test_default_2025_26_home_care_price_worked_by_hand():
    result = price({"period_start": "2025-04-01"}, "home_care", load())
    time_pay = NLW_2025 * (1 + 11.7 / 60)  # contact hour plus 11.7 travel minutes
    holiday = 5.6 / (WEEKS - 5.6)  # 5.6 weeks' statutory holiday over the weeks worked
    annual = 30 * NLW_2025 * WEEKS  # the default worker: 30 paid hours a week
    all_pay = 1 + holiday + 0.029 + 0.0394  # holiday, sick pay and training are pay too
    ni = 0.15 * (annual - 5000) / annual * all_pay
    pension = 0.03 * (annual - 6240) / annual * all_pay
    direct = time_pay * (1 + holiday + 0.029 + 0.0394 + ni + pension) + 3.89 * 0.45
    total = direct * (1 + (32.14 / 1.03 / 22.71 - 1)) * 1.03
    assert result.total == pytest.approx(total, rel=1e-5)
    compared = compare_published(result, "2025-26").set_index("line_item")
    assert compared.loc["statutory_employment_costs", "model"] == pytest.approx(direct, rel=1e-5)
    # the whole gap is the direct costs' (the mark-ups are the published ones): 22.71 - 21.37
    gap = compared["published"] - compared["model"]
    assert gap["headline_minimum_price"] == pytest.approx(
        gap["statutory_employment_costs"] * 32.14 / 22.71, rel=1e-5
    )
    assert round(direct, 2) == 21.37 and round(total, 2) == 30.24


def test_ssp_sick_pay_without_sick_days_is_an_error_naming_the_key(tmp_path, capsys):
    drivers = tmp_path / "d.toml"
    drivers.write_text('period_start = "2025-04-01"\nsick_pay_basis = "ssp"\n')
    assert main(["price", "home_care", str(drivers)]) == 2
    err = capsys.readouterr().err
    assert (
        'sick_pay_basis = "ssp" needs sick_days_per_worker_year and sick_spells_per_worker_year'
        in err
    )
    assert "SSP priced on no sickness would be £0" in err
    drivers.write_text(
        'period_start = "2025-04-01"\nsick_pay_basis = "ssp"\nsick_days_per_worker_year = 8\n'
    )
    assert main(["price", "home_care", str(drivers)]) == 2
    assert "needs sick_spells_per_worker_year (" in capsys.readouterr().err


def test_ssp_sick_pay_with_sickness_stated_is_priced(tmp_path, capsys):
    drivers = tmp_path / "d.toml"
    drivers.write_text(
        'period_start = "2025-04-01"\nsick_pay_basis = "ssp"\n'
        "sick_days_per_worker_year = 8\nsick_spells_per_worker_year = 2\n"
    )
    assert main(["price", "home_care", str(drivers), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    sick = [float(row["cost_per_unit"]) for row in rows if row["line"] == "sick_pay"]
    assert sick and sick[0] > 0
