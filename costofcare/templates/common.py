"""Building blocks shared by the service specs: provider details, staffing, other costs,
return and declaration. Each service module assembles its :class:`TemplateSpec` from these
plus its own volumes and cost lines."""

from __future__ import annotations

from .spec import Field, Section, Table

REGULATORS = (
    "CQC (England)",
    "Care Inspectorate (Scotland)",
    "Care Inspectorate Wales",
    "RQIA (Northern Ireland)",
)

ORGANISATION_TYPES = (
    "Private company or partnership",
    "Charity or not-for-profit",
    "Community interest company",
    "Public body",
    "Other",
)

FIGURES_BASES = (
    "Actual: audited accounts",
    "Actual: management accounts",
    "Forecast or budget",
)

SICK_PAY_POLICIES = ("Statutory sick pay only", "Enhanced (company) sick pay")

MAX_ANNUAL_GBP = 100_000_000.0
"""Upper hard bound on any annual £ entry (a typing slip guard, not a plausibility limit)."""


def money_line(
    id: str,
    label: str,
    help: str,
    cost_group: str,
    cost_line: str,
    *,
    category: str = "non_staffing",
    required: bool = False,
) -> Field:
    """An annual £ cost line with its Fair Cost of Care grouping."""
    return Field(
        id=id,
        label=label,
        help=help + " Annual £ for the 12-month period, excluding VAT you can recover.",
        kind="money",
        unit="GBP/year",
        required=required,
        min=0.0,
        max=MAX_ANNUAL_GBP,
        category=category,
        cost_group=cost_group,
        cost_line=cost_line,
    )


def provider_section(service_noun: str) -> Section:
    """Provider and service details, including the 12-month period the figures cover."""
    return Section(
        "Provider and service details",
        (
            Field(
                "provider_name",
                "Provider (legal entity) name",
                "The registered name of the organisation that runs the service.",
                "text",
                "text",
                required=True,
                prefill=True,
            ),
            Field(
                "service_name",
                f"{service_noun} name",
                f"The name of the {service_noun.lower()} as registered with the regulator.",
                "text",
                "text",
                required=True,
                prefill=True,
            ),
            Field(
                "regulator",
                "Regulator",
                "The body the service is registered with.",
                "choice",
                "choice",
                required=True,
                choices=REGULATORS,
                prefill=True,
            ),
            Field(
                "registration_number",
                "Registration number",
                "CQC location ID (for example 1-123456789) or Care Inspectorate service "
                "number (for example CS2003000000).",
                "text",
                "text",
                required=True,
                prefill=True,
            ),
            Field(
                "locality",
                "Locality or zone",
                "The council locality, zone or area the service covers (as used in the "
                "council's contract or framework).",
                "text",
                "text",
                prefill=True,
            ),
            Field(
                "postcode",
                "Postcode",
                "Postcode of the registered location.",
                "text",
                "text",
                prefill=True,
            ),
            Field(
                "organisation_type",
                "Type of organisation",
                "Legal form of the provider.",
                "choice",
                "choice",
                choices=ORGANISATION_TYPES,
                prefill=True,
            ),
            Field(
                "contact_name",
                "Contact name",
                "Who the council should contact with questions about this return.",
                "text",
                "text",
                required=True,
                prefill=True,
            ),
            Field(
                "contact_email",
                "Contact email",
                "Email address for questions about this return.",
                "text",
                "text",
                required=True,
                prefill=True,
            ),
            Field(
                "contact_phone",
                "Contact telephone",
                "Telephone number for questions about this return.",
                "text",
                "text",
                prefill=True,
            ),
            Field(
                "period_start",
                "Figures cover: first day",
                "First day of the 12-month period the figures cover (normally your last "
                "complete financial year). Enter as a date, e.g. 01/04/2025.",
                "date",
                "date",
                required=True,
            ),
            Field(
                "period_end",
                "Figures cover: last day",
                "Last day of the 12-month period the figures cover, e.g. 31/03/2026.",
                "date",
                "date",
                required=True,
            ),
            Field(
                "figures_basis",
                "Source of the figures",
                "Whether the figures come from audited accounts, management accounts or a "
                "forecast.",
                "choice",
                "choice",
                required=True,
                choices=FIGURES_BASES,
            ),
        ),
        help="Who you are and which period the figures cover. All costs in this workbook "
        "are for this one service (location) over these 12 months.",
    )


def staff_roles_table(role_cost_lines: tuple[tuple[str, str], ...], rows: int = 25) -> Table:
    """The staffing-by-role table; ``role_cost_lines`` pairs each role with its FCoC line."""
    roles = tuple(role for role, _ in role_cost_lines)
    return Table(
        "staff_roles",
        "Staffing by role",
        "One row per role. Where contracted hours differ a lot within a role, use one row "
        "per hours band (for example care workers on under 16, 16 to 30 and over 30 hours a "
        "week) so employer National Insurance and pension can be estimated per worker. "
        "Include bank staff; show agency staff only in the agency columns.",
        (
            Field(
                "role",
                "Role",
                "Pick the role from the list; use Other and describe it in the next column "
                "if none fits.",
                "choice",
                "choice",
                required=True,
                choices=roles,
                choice_cost_lines=role_cost_lines,
                width=26,
            ),
            Field(
                "role_description",
                "Job title or hours band",
                "Your job title for this row, or the hours band it covers (for example "
                "'care workers, 16-30 hours').",
                "text",
                "text",
                width=28,
            ),
            Field(
                "headcount",
                "Headcount",
                "Number of employed people in this row at the end of the period (not FTE).",
                "integer",
                "count",
                required=True,
                min=0,
                max=10_000,
                width=11,
            ),
            Field(
                "contracted_hours_per_week",
                "Contracted hours per worker a week",
                "Average contracted hours a week of one worker in this row. Enter 0 for "
                "zero-hours contracts and give the hours actually paid in the next column.",
                "number",
                "hours/week",
                min=0,
                max=100,
                warn_max=60,
                width=14,
            ),
            Field(
                "paid_hours_per_week",
                "Paid hours a week (whole row)",
                "Total hours paid a week to everyone in this row: contact or shift time, "
                "travel time, training and supervision; exclude holiday and sickness.",
                "number",
                "hours/week",
                required=True,
                min=0,
                max=1_000_000,
                width=14,
            ),
            Field(
                "basic_rate_per_hour",
                "Basic pay per hour",
                "Average basic hourly rate of pay in this row, before enhancements.",
                "money",
                "GBP/hour",
                required=True,
                min=0,
                max=500,
                warn_max=100,
                width=12,
            ),
            Field(
                "enhancements_per_hour",
                "Average enhancements per hour",
                "Average extra pay per paid hour for weekends, nights, bank holidays and "
                "other enhancements (total enhancement pay / total paid hours).",
                "money",
                "GBP/hour",
                min=0,
                max=100,
                warn_max=10,
                width=13,
            ),
            Field(
                "annual_gross_pay",
                "Gross pay in the year",
                "Total gross pay in the period for this row, including enhancements, "
                "overtime, holiday pay and sick pay; excluding employer NI and pension. "
                "Annual £.",
                "money",
                "GBP/year",
                min=0,
                max=1e8,
                category="staffing",
                cost_group="Staffing",
                width=14,
            ),
            Field(
                "employer_ni_annual",
                "Employer NI in the year",
                "Employer National Insurance contributions paid for this row in the period. "
                "Annual £.",
                "money",
                "GBP/year",
                min=0,
                max=1e8,
                category="staffing",
                cost_group="Staffing",
                width=14,
            ),
            Field(
                "employer_pension_annual",
                "Employer pension in the year",
                "Employer pension contributions paid for this row in the period. Annual £.",
                "money",
                "GBP/year",
                min=0,
                max=1e8,
                category="staffing",
                cost_group="Staffing",
                width=14,
            ),
            Field(
                "agency_spend_annual",
                "Agency spend in the year",
                "What you paid agencies in the period to cover this role (invoice totals "
                "excluding recoverable VAT). Annual £.",
                "money",
                "GBP/year",
                min=0,
                max=1e8,
                category="staffing",
                cost_group="Staffing",
                width=14,
            ),
            Field(
                "agency_hours_per_week",
                "Agency hours a week",
                "Average agency hours a week covering this role.",
                "number",
                "hours/week",
                min=0,
                max=1_000_000,
                width=12,
            ),
            Field(
                "training_hours_per_worker_per_year",
                "Training hours per worker a year",
                "Paid hours of training (induction, mandatory and refresher) per worker in "
                "the year.",
                "number",
                "hours/year",
                min=0,
                max=2000,
                warn_max=150,
                width=13,
            ),
            Field(
                "supervision_hours_per_worker_per_year",
                "Supervision hours per worker a year",
                "Paid hours of supervision, appraisal and team meetings per worker in the year.",
                "number",
                "hours/year",
                min=0,
                max=2000,
                warn_max=100,
                width=13,
            ),
            Field(
                "sick_pay_policy",
                "Sick pay policy",
                "Whether workers in this row get statutory sick pay only or an enhanced "
                "company scheme.",
                "choice",
                "choice",
                choices=SICK_PAY_POLICIES,
                width=22,
            ),
            Field(
                "sick_days_per_worker_per_year",
                "Sick days per worker a year",
                "Average days of sickness absence per worker in the year.",
                "number",
                "days/year",
                min=0,
                max=366,
                warn_max=30,
                width=12,
            ),
            Field(
                "employer_pension_rate",
                "Employer pension rate",
                "Employer pension contribution rate for this row, as a percentage "
                "(type 3% or 0.03).",
                "percent",
                "fraction",
                min=0,
                max=1,
                warn_max=0.2,
                width=11,
            ),
            Field(
                "pension_opt_in_share",
                "Share of staff in the pension",
                "Share of the workers in this row who are members of the workplace pension "
                "(type 85% or 0.85).",
                "percent",
                "fraction",
                min=0,
                max=1,
                width=11,
            ),
        ),
        rows=rows,
    )


def staffing_policy_section() -> Section:
    """Single-value staffing facts that apply to all roles."""
    return Section(
        "Staffing policies",
        (
            Field(
                "holiday_weeks_per_year",
                "Paid holiday a year (weeks)",
                "Paid holiday entitlement of a full-time worker in weeks, including bank holidays.",
                "number",
                "weeks/year",
                required=True,
                min=0,
                max=15,
                width=None,
            ),
            Field(
                "staff_turnover_rate",
                "Staff turnover in the year",
                "Leavers in the period as a share of average headcount (type 30% or 0.3).",
                "percent",
                "fraction",
                min=0,
                max=5,
                warn_max=1,
            ),
            Field(
                "vacancy_rate",
                "Vacancy rate",
                "Vacant posts as a share of established posts at the end of the period.",
                "percent",
                "fraction",
                min=0,
                max=1,
                warn_max=0.5,
            ),
        ),
    )


def other_costs_table(group_lines: tuple[tuple[str, str], ...], rows: int = 15) -> Table:
    """Other annual costs not covered by a named line; ``group_lines`` pairs each cost
    heading with the Fair Cost of Care 'other' line it adds to."""
    return Table(
        "other_costs",
        "Other costs",
        "Any other cost of running this service that is not on a line above. Describe each "
        "one; do not include depreciation, interest or a cost already entered.",
        (
            Field(
                "description",
                "Description",
                "What the cost is, for example 'laundry contract'.",
                "text",
                "text",
                required=True,
                width=44,
            ),
            Field(
                "annual_cost",
                "Annual cost",
                "Annual £ for the 12-month period, excluding VAT you can recover.",
                "money",
                "GBP/year",
                required=True,
                min=0,
                max=MAX_ANNUAL_GBP,
                width=16,
            ),
            Field(
                "cost_group",
                "Cost heading",
                "The heading the cost belongs to.",
                "choice",
                "choice",
                required=True,
                choices=tuple(g for g, _ in group_lines),
                choice_cost_lines=group_lines,
                width=24,
            ),
        ),
        rows=rows,
    )


def return_on_operations_fields() -> tuple[Field, ...]:
    """Return on operations: the surplus made and the margin the provider needs."""
    return (
        Field(
            "return_on_operations_annual",
            "Surplus (return on operations) in the year",
            "Operating surplus of this service in the period before interest, tax and "
            "rent of land and buildings: income less the costs above. Annual £; enter a "
            "loss as 0 and explain in the notes.",
            "money",
            "GBP/year",
            min=0,
            max=MAX_ANNUAL_GBP,
            category="return",
            cost_group="Return",
            cost_line="Return on operations",
        ),
        Field(
            "return_on_operations_rate",
            "Return on operations you need",
            "The margin on total operating costs you consider necessary to run the service "
            "sustainably (type 5% or 0.05).",
            "percent",
            "fraction",
            min=0,
            max=1,
            warn_max=0.2,
        ),
        Field(
            "return_justification",
            "Why that return",
            "Briefly explain the return you need (risk, investment, financing costs).",
            "text",
            "text",
        ),
    )


def declaration_section() -> Section:
    """The signed declaration at the end of every return."""
    return Section(
        "Declaration",
        (
            Field(
                "declaration_confirmed",
                "I confirm the figures are accurate",
                "Choose Yes to confirm that the figures are a true and fair record of the "
                "costs of this service for the period, taken from the provider's accounts.",
                "bool",
                "choice",
                required=True,
            ),
            Field(
                "declaration_name",
                "Name",
                "Name of the director, owner or finance lead signing off the return.",
                "text",
                "text",
                required=True,
            ),
            Field(
                "declaration_position",
                "Position",
                "Job title of the person signing off the return.",
                "text",
                "text",
                required=True,
            ),
            Field(
                "declaration_date",
                "Date",
                "Date of sign-off.",
                "date",
                "date",
                required=True,
            ),
            Field(
                "notes",
                "Notes for the council",
                "Anything the council should know to read these figures (unusual costs, "
                "changes during the year, losses).",
                "text",
                "text",
            ),
        ),
        help="A director, owner or finance lead confirms the figures.",
    )


def travel_and_equipment_section(worker: str) -> Section:
    """Travel, PPE and consumables for staff who visit people at home."""
    return Section(
        f"{worker.capitalize()} travel and equipment",
        (
            money_line(
                "mileage_paid_annual",
                f"Mileage paid to {worker}s",
                f"Mileage allowances paid to {worker}s for driving between visits.",
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
                f"Lease or hire of vehicles for {worker}s, fuel you pay for, parking and "
                "congestion charges.",
                "Travel and equipment",
                "Travel costs (parking, vehicle lease etc.)",
            ),
            money_line(
                "uniforms_consumables_annual",
                "Uniforms and other consumables",
                f"Uniforms, ID badges and other consumables for {worker}s.",
                "Travel and equipment",
                "Uniforms and other consumables",
            ),
        ),
    )


def business_costs_section(office: str) -> Section:
    """Overheads of a community service run from an office (Annex A business costs)."""
    return Section(
        "Business costs",
        (
            money_line(
                "premises_annual",
                "Office rent, rates and service charges",
                f"Rent, business rates and service charges for the {office}.",
                "Business costs",
                "Rent/rates/utilities",
            ),
            money_line(
                "utilities_annual",
                "Office utilities",
                f"Electricity, gas and water for the {office}.",
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
                "Computers, phones for staff, rostering, digital care records and "
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
                "Regulator fees",
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
