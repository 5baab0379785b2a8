"""Checks that catch wrong numbers: a basic pay of £0 and a surplus far from the margin
stated beside it. Each return is a small workbook made by the test."""

import pytest

from costofcare.ingest.batch import ingest_files
from costofcare.ingest.fill import ReturnFiller, example_return
from costofcare.ingest.validate import RETURN_RATE_TOLERANCE
from costofcare.templates.spec import get_spec


@pytest.fixture(scope="module")
def filler():
    return ReturnFiller("home_care")


def known_costs():
    """A home care return whose costs before the return are known by hand.

    Single cost lines £95,000 mileage + £50,000 premises; staffing rows £2,000,000 gross
    pay + £150,000 NI + £50,000 pension, and £40,000 gross pay; other costs £10,000 under
    Business costs and £5,000 under Staffing. The surplus itself is a return, not a cost.
    Costs before the return:
    95,000 + 50,000 + 2,000,000 + 150,000 + 50,000 + 40,000 + 10,000 + 5,000 = £2,400,000.
    """
    values, _ = example_return("home_care", seed=7, table_rows=2)
    for f in get_spec("home_care").fields():
        if f.category is not None:
            values.pop(f.id, None)
    values.update(
        provider_name="Acme Care Ltd",
        registration_number="1-111",
        regulator="CQC (England)",
        mileage_paid_annual=95_000,
        premises_annual=50_000,
        care_worker_headcount=80,
        care_worker_paid_hours_per_week=2_400,
        contact_hours_per_week=2_000,
        contact_hours_council_per_week=1_500,
    )
    tables = {
        "staff_roles": [
            {"role": "Care worker", "headcount": 80, "paid_hours_per_week": 2_400,
             "basic_rate_per_hour": 12.60, "annual_gross_pay": 2_000_000,
             "employer_ni_annual": 150_000, "employer_pension_annual": 50_000},
            {"role": "Registered manager", "headcount": 1, "paid_hours_per_week": 37.5,
             "basic_rate_per_hour": 18.00, "annual_gross_pay": 40_000},
        ],
        "other_costs": [
            {"description": "Bank charges", "annual_cost": 10_000,
             "cost_group": "Business costs"},
            {"description": "Staff wellbeing scheme", "annual_cost": 5_000,
             "cost_group": "Staffing"},
        ],
    }  # fmt: skip
    return values, tables


def ingest(filler, tmp_path, name, values, tables):
    path = filler.fill(tmp_path / name, values, tables)
    return ingest_files([path], workers=1)


def of(result, code):
    return result.issues[result.issues["code"] == code]


# ----------------------------------------------------------------------------- basic pay £0
def test_basic_pay_of_zero_is_an_error_naming_the_cell(filler, tmp_path):
    values, tables = known_costs()
    tables["staff_roles"][0]["basic_rate_per_hour"] = 0
    result = ingest(filler, tmp_path, "zero.xlsx", values, tables)
    zero = of(result, "zero_pay")
    assert len(zero) == 1
    issue = zero.iloc[0]
    assert issue.severity == "error" and issue.field == "basic_rate_per_hour"
    assert issue.sheet == "Staffing" and issue.cell
    assert issue.message == (
        "Staffing by role row 1: Basic pay per hour is £0.00 an hour "
        f"(cell Staffing!{issue.cell}) for a row with staff or paid hours; enter the average "
        "basic hourly rate they are paid"
    )
    assert result.returns["status"].tolist() == ["errors"]
    # £0 is not also reported as below the wage floor: one problem, one issue.
    assert of(result, "below_wage_floor").empty


def test_basic_pay_of_zero_in_a_row_with_no_staff_or_hours_is_not_reported(filler, tmp_path):
    values, tables = known_costs()
    tables["staff_roles"].append(
        {"role": "Care coordinator", "headcount": 0, "paid_hours_per_week": 0,
         "basic_rate_per_hour": 0}
    )  # fmt: skip
    result = ingest(filler, tmp_path, "empty_row.xlsx", values, tables)
    assert of(result, "zero_pay").empty


def test_a_positive_basic_pay_is_no_zero_pay_issue(filler, tmp_path):
    values, tables = known_costs()
    result = ingest(filler, tmp_path, "paid.xlsx", values, tables)
    assert of(result, "zero_pay").empty


# ----------------------------------------------------------------------------- return rate
def test_tolerance_is_three_percentage_points_of_cost():
    assert RETURN_RATE_TOLERANCE == 0.03


def test_surplus_far_below_the_stated_margin_is_questioned(filler, tmp_path):
    values, tables = known_costs()
    # £31,200 / £2,400,000 = 1.3% of cost, beside a stated 8%: 6.7 points apart.
    values.update(return_on_operations_annual=31_200, return_on_operations_rate=0.08)
    result = ingest(filler, tmp_path, "low_surplus.xlsx", values, tables)
    issue = of(result, "return_rate_mismatch").iloc[0]
    assert issue.severity == "warning" and issue.field == "return_on_operations_annual"
    assert issue.message == (
        "the surplus of £31,200.00 is 1.3% of the costs before the return (£2,400,000.00), "
        "but the return on operations the provider says it needs is 8.0%: more than 3 "
        "percentage points apart; confirm the surplus (a loss is entered as 0) and the return "
        "needed"
    )


def test_surplus_far_above_the_stated_margin_is_questioned(filler, tmp_path):
    values, tables = known_costs()
    # £240,000 / £2,400,000 = 10% beside a stated 5%.
    values.update(return_on_operations_annual=240_000, return_on_operations_rate=0.05)
    result = ingest(filler, tmp_path, "high_surplus.xlsx", values, tables)
    assert "is 10.0% of the costs" in of(result, "return_rate_mismatch").iloc[0].message


@pytest.mark.parametrize(
    "surplus, rate",
    [
        (120_000, 0.08),  # 5% of £2,400,000 beside 8%: exactly 3 points apart, allowed
        (192_000, 0.08),  # 8% beside 8%
        (0, 0.08),  # a loss entered as 0: the unit cost prices the stated rate instead
    ],
)
def test_surplus_within_the_tolerance_or_zero_is_not_questioned(filler, tmp_path, surplus, rate):
    values, tables = known_costs()
    values.update(return_on_operations_annual=surplus, return_on_operations_rate=rate)
    result = ingest(filler, tmp_path, f"ok_{surplus}.xlsx", values, tables)
    assert of(result, "return_rate_mismatch").empty


def test_no_stated_rate_means_nothing_to_compare(filler, tmp_path):
    values, tables = known_costs()
    values.update(return_on_operations_annual=31_200)
    values.pop("return_on_operations_rate", None)
    result = ingest(filler, tmp_path, "no_rate.xlsx", values, tables)
    assert of(result, "return_rate_mismatch").empty
