"""The home care model reproduces the Homecare Association's itemised minimum price
build-ups through ``costofcare price`` with the drivers files shipped in
``workbooks/examples/drivers/``: every published line and the total within 1%.

Published lines are rounded to the penny, so each model line is rounded the same way (half
away from zero) and must be within 1% of the published figure; for lines under £1 that means
the same penny.
"""

import json
from pathlib import Path

import pytest

from costofcare.cli import main
from costofcare.costs.drivers import load_drivers_file
from costofcare.costs.price import price
from costofcare.costs.published import compare_published, published_buildup
from costofcare.parameters import load

DRIVERS = Path(__file__).resolve().parents[1] / "workbooks" / "examples" / "drivers"


def run_price_json(capsys, name):
    code = main(["price", "home_care", str(DRIVERS / name), "--format", "json"])
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    return {row["line"]: row["cost_per_unit"] for row in payload["lines"]}, payload["totals"]


def test_2014_first_edition_line_by_line(capsys):
    lines, totals = run_price_json(capsys, "hca-minimum-price-2014-15.toml")
    # hand build-up: pay £6.31; travel 11.4 min; on-costs % of gross pay (contact + travel)
    gross = 6.31 + 6.31 * 11.4 / 60  # 6.31 + 1.1989 = 7.5089
    direct = gross * (1 + 0.095 + 0.1077 + 0.017 + 0.01) + 4 * 0.35  # 10.6337
    price_ = direct / (1 - 0.27 - 0.03)  # running costs and surplus are shares of price
    assert totals["total"] == pytest.approx(price_)
    published = {
        "contact_pay": 6.31,
        "travel_time_pay": 1.20,
        "employer_ni": 0.71,
        "holiday_pay": 0.81,
        "training_pay": 0.13,
        "employer_pension": 0.08,
        "mileage": 1.40,
        "overheads": 4.10,
        "surplus": 0.46,
    }
    for line, value in published.items():
        assert round(lines[line] + 1e-9, 2) == pytest.approx(value, rel=0.01), line
    assert totals["total"] == pytest.approx(15.19, rel=0.01)
    assert round(totals["total"], 2) == 15.19


def test_2020_21_edition_line_by_line(capsys):
    lines, totals = run_price_json(capsys, "hca-minimum-price-2020-21.toml")
    gross = 8.72 + 8.72 * 11.7 / 60  # 8.72 + 1.7004 = 10.4204
    direct = gross * (1 + 0.1207 + 0.029 + 0.0394 + 0.0794 + 0.03) + 3.89 * 0.35  # 14.8915
    cost = direct * 1.349  # running the business: 34.9% mark-up on direct costs
    assert totals["total"] == pytest.approx(cost * 1.03)  # surplus: 3% on total cost
    assert round(lines["contact_pay"], 2) == 8.72
    assert round(lines["travel_time_pay"], 2) == 1.70
    assert round(lines["employer_ni"] + lines["employer_pension"], 2) == 1.14
    assert round(lines["holiday_pay"] + lines["sick_pay"] + lines["training_pay"], 2) == 1.97
    assert round(lines["mileage"], 2) == 1.36
    assert round(lines["overheads"], 2) == 5.20
    assert round(lines["surplus"], 2) == 0.60
    assert round(totals["total"], 2) == 20.69


@pytest.mark.parametrize(
    "name, year",
    [("hca-minimum-price-2014-15.toml", "2014-15"), ("hca-minimum-price-2020-21.toml", "2020-21")],
)
def test_compare_published_every_line_within_one_percent(name, year):
    result = price(load_drivers_file(DRIVERS / name), "home_care", load())
    table = compare_published(result, year)
    assert set(table["line_item"]) == set(published_buildup(year)["line_item"])
    assert (table["difference"].abs() <= 0.01 * table["published"]).all(), table


def test_per_worker_ni_and_pension_beside_the_flat_percentages(capsys):
    """Same drivers, NI and pension per worker from the 2020-21 parameters."""
    flat, flat_totals = run_price_json(capsys, "hca-minimum-price-2020-21.toml")
    per, per_totals = run_price_json(capsys, "hca-minimum-price-2020-21-per-worker.toml")
    # 15 workers on 10 h, 30 on 20 h, 35 on 30 h, 20 on 40 h, at £8.72 for 52.143 weeks
    weeks = 52.143  # as stated in the drivers file
    bands = [(10, 15), (20, 30), (30, 35), (40, 20)]
    pay = sum(n * h * 8.72 * weeks for h, n in bands)
    ni = sum(n * 0.138 * max(0.0, h * 8.72 * weeks - 8788) for h, n in bands)
    pension = sum(
        n * 0.03 * (min(h * 8.72 * weeks, 50000) - 6240)
        for h, n in bands
        if h * 8.72 * weeks >= 10000
    )
    gross = 8.72 * (1 + 11.7 / 60)
    all_pay = gross * (1 + 0.1207 + 0.029 + 0.0394)  # NI and pension fall on all pay
    assert per["employer_ni"] == pytest.approx(ni / pay * all_pay)
    assert per["employer_pension"] == pytest.approx(pension / pay * all_pay)
    # part-time workers fall under the threshold: per-worker on-costs are lower than 10.94%
    assert (
        per["employer_ni"] + per["employer_pension"]
        < flat["employer_ni"] + flat["employer_pension"]
    )
    assert per_totals["total"] < flat_totals["total"]
