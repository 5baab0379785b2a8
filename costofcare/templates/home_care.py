"""Home care (18+ domiciliary care) cost return; costing unit: the contact hour.

Cost lines follow the 2022 Fair Cost of Care Annex A for 18+ home care: care worker costs
come from the staffing table (pay, employer NI, pension, agency) plus mileage and PPE; then
the business costs and the return on operations.
"""

from __future__ import annotations

from .common import (
    declaration_section,
    money_line,
    other_costs_table,
    provider_section,
    return_on_operations_fields,
    staff_roles_table,
    staffing_policy_section,
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

TRAVEL_AND_EQUIPMENT = Section(
    "Care worker travel and equipment",
    (
        money_line(
            "mileage_paid_annual",
            "Mileage paid to care workers",
            "Mileage allowances paid to care workers for driving between visits.",
            "Travel and equipment",
            "Mileage",
        ),
        money_line(
            "ppe_annual",
            "PPE",
            "Gloves, aprons, masks and other personal protective equipment, including any "
            "PPE you bought yourself during the period.",
            "Travel and equipment",
            "PPE",
        ),
        money_line(
            "vehicle_costs_annual",
            "Vehicles, fuel and parking",
            "Lease or hire of vehicles for care workers, fuel you pay for, parking and "
            "congestion charges.",
            "Travel and equipment",
            "Travel costs (parking, vehicle lease etc.)",
        ),
        money_line(
            "uniforms_consumables_annual",
            "Uniforms and other consumables",
            "Uniforms, ID badges and other consumables for care workers.",
            "Travel and equipment",
            "Uniforms and other consumables",
        ),
    ),
)

BUSINESS_COSTS = Section(
    "Business costs",
    (
        money_line(
            "premises_annual",
            "Office rent, rates and service charges",
            "Rent, business rates and service charges for the branch office.",
            "Business costs",
            "Rent/rates/utilities",
        ),
        money_line(
            "utilities_annual",
            "Office utilities",
            "Electricity, gas and water for the branch office.",
            "Business costs",
            "Rent/rates/utilities",
        ),
        money_line(
            "recruitment_dbs_annual",
            "Recruitment and DBS checks",
            "Advertising, agency finder's fees, DBS checks and other recruitment costs.",
            "Business costs",
            "Recruitment/DBS",
        ),
        money_line(
            "training_third_party_annual",
            "Training (third party)",
            "Fees paid to outside trainers and course providers (staff time for training "
            "goes in the staffing table).",
            "Business costs",
            "Training (third party)",
        ),
        money_line(
            "it_annual",
            "IT: hardware, software, care records and monitoring",
            "Computers, phones for care workers, rostering, digital care records and "
            "electronic call monitoring.",
            "Business costs",
            "IT (hardware, software CRM, ECM)",
        ),
        money_line(
            "telephony_annual",
            "Telephony",
            "Landlines, mobile contracts and call charges.",
            "Business costs",
            "Telephony",
        ),
        money_line(
            "stationery_postage_annual",
            "Stationery and postage",
            "Office supplies, printing and postage.",
            "Business costs",
            "Stationery/postage",
        ),
        money_line(
            "insurance_annual",
            "Insurance",
            "Employer's, public and professional liability and other business insurance.",
            "Business costs",
            "Insurance",
        ),
        money_line(
            "professional_fees_annual",
            "Legal, finance and professional fees",
            "Accountancy, legal, HR and payroll services bought in.",
            "Business costs",
            "Legal/finance/professional fees",
        ),
        money_line(
            "marketing_annual",
            "Marketing",
            "Advertising the service (not recruitment).",
            "Business costs",
            "Marketing",
        ),
        money_line(
            "audit_compliance_annual",
            "Audit and compliance",
            "Quality audits, accreditation and compliance services.",
            "Business costs",
            "Audit and compliance",
        ),
        money_line(
            "assistive_technology_annual",
            "Assistive technology",
            "Assistive technology you provide to the people you support.",
            "Business costs",
            "Assistive technology",
        ),
        money_line(
            "registration_fees_annual",
            "Regulator fees",
            "Annual registration fees paid to the regulator for this service.",
            "Business costs",
            "CQC fees",
        ),
        money_line(
            "head_office_recharge_annual",
            "Central or head office recharges",
            "This service's share of head office costs (finance, HR, senior management) "
            "recharged by a group or parent; do not repeat costs entered above.",
            "Business costs",
            "Central/head office recharges",
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
                    TRAVEL_AND_EQUIPMENT,
                    BUSINESS_COSTS,
                    Section("Other costs", (other_costs_table(OTHER_COST_LINES),)),
                    Section("Return on operations", return_on_operations_fields()),
                ),
            ),
            SheetSpec("Declaration", (declaration_section(),)),
        ),
    )
)
