"""Home care (18+ domiciliary care) cost return; costing unit: the contact hour.

Cost lines follow the 2022 Fair Cost of Care Annex A for 18+ home care: care worker costs
come from the staffing table (pay, employer NI, pension, agency) plus mileage and PPE; then
the business costs and the return on operations.
"""

from __future__ import annotations

from .common import (
    business_costs_section,
    declaration_section,
    other_costs_table,
    provider_section,
    return_on_operations_fields,
    staff_roles_table,
    staffing_policy_section,
    travel_and_equipment_section,
)
from .spec import Field, Section, SheetSpec, TemplateSpec, register

CARE_WORKER_COSTS = "Care worker costs"
BACK_OFFICE_STAFF = "Back office staff"

ROLE_COST_LINES = (
    ("Care worker", CARE_WORKER_COSTS),
    ("Senior care worker", CARE_WORKER_COSTS),
    ("Field supervisor or team leader", CARE_WORKER_COSTS),
    ("Nurse", CARE_WORKER_COSTS),
    ("Registered manager", BACK_OFFICE_STAFF),
    ("Deputy manager", BACK_OFFICE_STAFF),
    ("Care coordinator or scheduler", BACK_OFFICE_STAFF),
    ("Administration", BACK_OFFICE_STAFF),
    ("Trainer", BACK_OFFICE_STAFF),
    ("Other", BACK_OFFICE_STAFF),
)
"""Staff roles offered in the home care return and the Annex A line each one costs to."""

OTHER_COST_LINES = (
    ("Staffing", "Additional non-contact pay"),
    ("Travel and equipment", "Other travel and equipment costs"),
    ("Business costs", "Other overheads"),
)


def _visits(id: str, label: str, help: str) -> Field:
    return Field(id, label, help, "integer", "visits/week", min=0, max=1_000_000)


VOLUMES = Section(
    "Volumes (average week in the period)",
    (
        Field(
            "people_supported",
            "People supported",
            "Number of people receiving care from this service at the end of the period "
            "(all funders).",
            "integer",
            "count",
            required=True,
            min=0,
            max=100_000,
        ),
        Field(
            "contact_hours_per_week",
            "Contact hours a week (all funders)",
            "Average hours a week spent with the people you support, as planned and "
            "delivered (not travel time). Total contact hours in the period / 52.14.",
            "number",
            "hours/week",
            required=True,
            min=0,
            max=1_000_000,
        ),
        Field(
            "contact_hours_council_per_week",
            "Contact hours a week funded by this council",
            "The part of the contact hours above commissioned by this council.",
            "number",
            "hours/week",
            min=0,
            max=1_000_000,
        ),
        _visits(
            "visits_per_week_15min",
            "Visits a week: up to 15 minutes",
            "Average number of visits a week planned at 15 minutes or less.",
        ),
        _visits(
            "visits_per_week_30min",
            "Visits a week: 16 to 30 minutes",
            "Average number of visits a week planned at 16 to 30 minutes.",
        ),
        _visits(
            "visits_per_week_45min",
            "Visits a week: 31 to 45 minutes",
            "Average number of visits a week planned at 31 to 45 minutes.",
        ),
        _visits(
            "visits_per_week_60min",
            "Visits a week: 46 to 60 minutes",
            "Average number of visits a week planned at 46 to 60 minutes.",
        ),
        _visits(
            "visits_per_week_over_60min",
            "Visits a week: over 60 minutes",
            "Average number of visits a week planned at more than 60 minutes.",
        ),
    ),
    help="Figures for an average week: totals for the 12 months divided by 52.14.",
)

CARE_WORKERS = Section(
    "Care workers and travel",
    (
        Field(
            "care_worker_headcount",
            "Care workers employed",
            "Number of care workers (all grades that deliver visits) employed at the end "
            "of the period; should match the care worker rows of the staffing table.",
            "integer",
            "count",
            required=True,
            min=0,
            max=100_000,
        ),
        Field(
            "care_worker_paid_hours_per_week",
            "Care worker paid hours a week",
            "All hours paid to care workers in an average week: contact time, travel "
            "time, training, supervision and other paid non-contact time; exclude holiday "
            "and sickness.",
            "number",
            "hours/week",
            required=True,
            min=0,
            max=1_000_000,
        ),
        Field(
            "travel_minutes_per_visit",
            "Travel time per visit (minutes)",
            "Average minutes of travel between one visit and the next, from your rostering system.",
            "number",
            "minutes",
            required=True,
            min=0,
            max=240,
            warn_max=60,
        ),
        Field(
            "miles_per_visit",
            "Miles per visit",
            "Average miles driven by a care worker between one visit and the next.",
            "number",
            "miles",
            min=0,
            max=200,
            warn_max=20,
        ),
        Field(
            "mileage_paid_per_mile",
            "Mileage paid to care workers per mile",
            "What you pay a care worker for each mile driven on business (£ per mile).",
            "money",
            "GBP/mile",
            min=0,
            max=5,
            warn_max=1,
        ),
        Field(
            "travel_time_paid_basis",
            "How travel time is paid",
            "Whether care workers are paid for the time they spend travelling between visits.",
            "choice",
            "choice",
            required=True,
            choices=(
                "Paid by the hour of travel",
                "Included in a rate per visit or per contact hour",
                "Not paid",
            ),
        ),
        Field(
            "share_zero_hours_contracts",
            "Care workers on zero-hours contracts",
            "Share of care workers on zero-hours contracts (type 40% or 0.4).",
            "percent",
            "fraction",
            min=0,
            max=1,
        ),
    ),
)

SPEC = register(
    TemplateSpec(
        service="home_care",
        version="2026.1",
        unit="contact_hour",
        title="Home care (18+ domiciliary care) cost of care return",
        guidance=(
            "Fill in one workbook for each registered home care location (branch).",
            "Report the costs of delivering home care for adults aged 18 and over in the "
            "12 months shown on the Provider sheet, for all the people you support "
            "whoever pays.",
            "Costs are annual £ excluding VAT you can recover. Staffing pay goes in the "
            "staffing table only; do not repeat it in the cost lines.",
        ),
        sheets=(
            SheetSpec("Provider", (provider_section("Branch"),)),
            SheetSpec("Volumes", (VOLUMES, CARE_WORKERS)),
            SheetSpec(
                "Staffing",
                (
                    staffing_policy_section(),
                    Section("Staffing by role", (staff_roles_table(ROLE_COST_LINES),)),
                ),
            ),
            SheetSpec(
                "Costs",
                (
                    travel_and_equipment_section("care worker"),
                    business_costs_section("branch office"),
                    Section("Return on operations", return_on_operations_fields()),
                    # tables go last on a sheet: rows inserted in them move nothing else
                    Section("Other costs", (other_costs_table(OTHER_COST_LINES),)),
                ),
            ),
            SheetSpec("Declaration", (declaration_section(),)),
        ),
    )
)
