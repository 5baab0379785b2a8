"""The cost lines each route reports, in the order and with the labels of the 2022 Fair Cost
of Care returns (Annex A: home care per contact hour; care homes per resident week).

One obvious place for the line list: the models, the price calculator and reconciliation
all read it from here. ``category`` is what the staffing share is computed from
("staffing" | "non_staffing" | "return"); ``group`` is the Annex heading a line sits under.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..tables.catalogue import CATEGORIES, SERVICE_UNITS

__all__ = [
    "Line",
    "HOME_CARE_LINES",
    "CARE_HOME_STAFF_LINES",
    "CARE_HOME_NON_STAFFING_LINES",
    "CARE_HOME_RETURN_LINES",
    "UNITS",
    "CATEGORIES",
    "line_index",
]

#: unit each service's costs are expressed per (declared with the tables)
UNITS = SERVICE_UNITS


@dataclass(frozen=True)
class Line:
    """One cost line: a stable id, the Fair Cost of Care label, category and heading."""

    id: str
    cost_line: str
    category: str
    group: str


_CW = "Care worker costs"
_BC = "Business costs"
_RT = "Return"

#: Home care and supported living: care worker costs, then business costs, then the return.
#: Mileage and PPE sit under "Care worker costs" in Annex A but are not pay, so their category
#: is non_staffing (the staffing share drives wage-based uplifts).
HOME_CARE_LINES: tuple[Line, ...] = (
    Line("contact_pay", "Direct care", "staffing", _CW),
    Line("travel_time_pay", "Travel time", "staffing", _CW),
    Line("non_contact_pay", "Additional non-contact pay costs", "staffing", _CW),
    Line("training_pay", "Training (staff time)", "staffing", _CW),
    Line("holiday_pay", "Holiday", "staffing", _CW),
    Line("sick_pay", "Sickness/maternity and paternity pay", "staffing", _CW),
    Line("employer_ni", "Employer NI", "staffing", _CW),
    Line("employer_pension", "Employer pension", "staffing", _CW),
    Line("mileage", "Mileage", "non_staffing", _CW),
    Line("ppe", "PPE", "non_staffing", _CW),
    Line("overheads", "Business costs (running the business)", "non_staffing", _BC),
    Line("surplus", "Return on operations", "return", _RT),
)

_ST = "Care home staffing"
_PR = "Care home premises"
_SS = "Care home supplies and services"
_HO = "Head office"

CARE_HOME_STAFF_LINES: tuple[Line, ...] = (
    Line("nursing_staff", "Nursing staff", "staffing", _ST),
    Line("care_staff", "Care staff", "staffing", _ST),
    Line("therapy_staff", "Therapy staff (occupational & physio)", "staffing", _ST),
    Line("activity_coordinators", "Activity coordinators", "staffing", _ST),
    Line("service_management", "Service management (registered manager/deputy)", "staffing", _ST),
    Line("reception_admin", "Reception & admin staff at the home", "staffing", _ST),
    Line("chefs_cooks", "Chefs / cooks", "staffing", _ST),
    Line("domestic_staff", "Domestic staff (cleaning, laundry & kitchen)", "staffing", _ST),
    Line("maintenance_gardening", "Maintenance & gardening", "staffing", _ST),
    Line("other_staffing", "Other care home staffing", "staffing", _ST),
)

CARE_HOME_NON_STAFFING_LINES: tuple[Line, ...] = (
    Line("fixtures_fittings", "Fixtures & fittings", "non_staffing", _PR),
    Line("repairs_maintenance", "Repairs and maintenance", "non_staffing", _PR),
    Line("furniture_equipment", "Furniture, furnishings and equipment", "non_staffing", _PR),
    Line("other_premises", "Other care home premises costs", "non_staffing", _PR),
    Line("food", "Food supplies", "non_staffing", _SS),
    Line("domestic_cleaning_supplies", "Domestic and cleaning supplies", "non_staffing", _SS),
    Line("medical_supplies", "Medical supplies (excluding PPE)", "non_staffing", _SS),
    Line("ppe", "PPE", "non_staffing", _SS),
    Line("office_supplies", "Office supplies (home specific)", "non_staffing", _SS),
    Line("insurance", "Insurance (all risks)", "non_staffing", _SS),
    Line("registration_fees", "Registration fees", "non_staffing", _SS),
    Line("telephone_internet", "Telephone & internet", "non_staffing", _SS),
    Line("council_tax_rates", "Council tax / rates", "non_staffing", _SS),
    Line("utilities", "Electricity, gas & water", "non_staffing", _SS),
    Line("waste", "Trade and clinical waste", "non_staffing", _SS),
    Line("transport_activities", "Transport & activities", "non_staffing", _SS),
    Line("other_supplies", "Other care home supplies and services costs", "non_staffing", _SS),
    Line("central_management", "Central / regional management", "non_staffing", _HO),
    Line(
        "support_services",
        "Support services (finance / HR / legal / marketing etc.)",
        "non_staffing",
        _HO,
    ),
    Line(
        "recruitment_training_vetting",
        "Recruitment, training & vetting (incl. DBS checks)",
        "non_staffing",
        _HO,
    ),
    Line("other_head_office", "Other head office costs", "non_staffing", _HO),
)

CARE_HOME_RETURN_LINES: tuple[Line, ...] = (
    Line("return_on_operations", "Return on operations", "return", _RT),
    Line("return_on_capital", "Return on capital", "return", _RT),
)


def line_index(lines: tuple[Line, ...]) -> dict[str, Line]:
    """Lines keyed by id."""
    return {line.id: line for line in lines}
