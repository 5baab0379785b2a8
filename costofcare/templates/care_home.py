"""Care home (65+ residential and nursing) cost return; costing unit: the resident week.

Cost lines follow the 2022 Fair Cost of Care Annex B for 65+ care homes: staffing by role
(from the staffing table), premises, supplies and services, head office, return on
operations and return on capital (land and buildings). Unit costs are per *occupied* bed
week; the council restates them at a standard occupancy.
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

ROLE_COST_LINES = (
    ("Nurse", "Nursing staff"),
    ("Senior care worker", "Care staff"),
    ("Care worker", "Care staff"),
    ("Therapy staff (OT, physiotherapy)", "Therapy staff (occupational & physio)"),
    ("Activities coordinator", "Activity coordinators"),
    ("Registered manager", "Service management (registered manager/deputy)"),
    ("Deputy manager", "Service management (registered manager/deputy)"),
    ("Reception and administration", "Reception & admin staff at the home"),
    ("Chef or cook", "Chefs/cooks"),
    ("Domestic (cleaning, laundry, kitchen)", "Domestic staff (cleaning, laundry & kitchen)"),
    ("Maintenance and gardening", "Maintenance & gardening"),
    ("Other", "Other care home staffing"),
)
"""Staff roles offered in the care home return and the Annex B line each one costs to."""

OTHER_COST_LINES = (
    ("Staffing", "Other care home staffing"),
    ("Premises", "Other care home premises costs"),
    ("Supplies and services", "Other care home supplies and services costs"),
    ("Head office", "Other head office costs"),
)

HOME_TYPES = ("Residential", "Nursing", "Residential and nursing")
TENURES = ("Freehold (owned)", "Long leasehold", "Rented or leased from a landlord", "Other")


def _residents(id: str, label: str, help: str) -> Field:
    return Field(id, label, help, "integer", "count", min=0, max=2000)


HOME = Section(
    "The home",
    (
        Field(
            "home_type",
            "Type of home",
            "Whether the home provides residential care, nursing care or both.",
            "choice",
            "choice",
            required=True,
            choices=HOME_TYPES,
            prefill=True,
        ),
        Field(
            "registered_beds",
            "Registered beds",
            "Number of beds the home is registered for at the end of the period.",
            "integer",
            "count",
            required=True,
            min=1,
            max=2000,
            warn_max=200,
        ),
        Field(
            "average_occupancy",
            "Average occupancy",
            "Average occupied beds over the period as a share of registered beds: "
            "resident bed-nights / (registered beds x days). Type 88% or 0.88.",
            "percent",
            "fraction",
            required=True,
            min=0,
            max=1,
            warn_min=0.5,
        ),
        Field(
            "single_rooms",
            "Single rooms",
            "Number of rooms for one resident.",
            "integer",
            "count",
            min=0,
            max=2000,
        ),
    ),
)

RESIDENTS = Section(
    "Residents at the end of the period",
    (
        _residents(
            "residents_residential",
            "Residential care (standard)",
            "Residents receiving standard residential care.",
        ),
        _residents(
            "residents_residential_enhanced",
            "Residential care (enhanced needs)",
            "Residents receiving residential care for enhanced needs, such as dementia.",
        ),
        _residents(
            "residents_nursing",
            "Nursing care (standard)",
            "Residents receiving standard nursing care.",
        ),
        _residents(
            "residents_nursing_enhanced",
            "Nursing care (enhanced needs)",
            "Residents receiving nursing care for enhanced needs, such as dementia.",
        ),
        _residents(
            "residents_council_funded",
            "Funded by this council",
            "Residents whose placement this council funds (wholly or in part).",
        ),
        _residents(
            "residents_other_council_funded",
            "Funded by other councils",
            "Residents placed by other councils.",
        ),
        _residents(
            "residents_nhs_funded",
            "Fully NHS funded",
            "Residents funded through NHS Continuing Healthcare.",
        ),
        _residents(
            "residents_self_funded",
            "Self-funded",
            "Residents paying their own fees in full.",
        ),
        Field(
            "average_fee_council_per_week",
            "Average weekly fee: this council",
            "Average gross weekly fee for this council's residents, including any third "
            "party top-up and excluding NHS-funded nursing care.",
            "money",
            "GBP/week",
            min=0,
            max=20_000,
            warn_max=3_000,
        ),
        Field(
            "average_fee_self_funded_per_week",
            "Average weekly fee: self-funded",
            "Average weekly fee paid by self-funding residents.",
            "money",
            "GBP/week",
            min=0,
            max=20_000,
            warn_max=4_000,
        ),
    ),
    help="Count each resident once in the care type rows and once in the funder rows.",
)

PREMISES = Section(
    "Care home premises",
    (
        money_line(
            "fixtures_fittings_annual",
            "Fixtures and fittings",
            "Replacement of fixtures and fittings charged to revenue.",
            "Premises",
            "Fixtures & fittings",
        ),
        money_line(
            "repairs_maintenance_annual",
            "Repairs and maintenance",
            "Repairs, servicing and maintenance contracts for the building and equipment.",
            "Premises",
            "Repairs and maintenance",
        ),
        money_line(
            "furniture_equipment_annual",
            "Furniture, furnishings and equipment",
            "Beds, furniture, soft furnishings and care equipment charged to revenue.",
            "Premises",
            "Furniture, furnishings and equipment",
        ),
        money_line(
            "other_premises_annual",
            "Other premises costs",
            "Other costs of the building, such as security and gardening contracts.",
            "Premises",
            "Other care home premises costs",
        ),
    ),
)

SUPPLIES = Section(
    "Care home supplies and services",
    (
        money_line(
            "food_annual",
            "Food supplies",
            "Food and drink for residents.",
            "Supplies and services",
            "Food supplies",
        ),
        money_line(
            "domestic_cleaning_supplies_annual",
            "Domestic and cleaning supplies",
            "Cleaning materials, laundry supplies and toiletries.",
            "Supplies and services",
            "Domestic and cleaning supplies",
        ),
        money_line(
            "medical_supplies_annual",
            "Medical supplies (excluding PPE)",
            "Continence products you buy, dressings and other medical supplies.",
            "Supplies and services",
            "Medical supplies (excluding PPE)",
        ),
        money_line(
            "ppe_annual",
            "PPE",
            "Gloves, aprons, masks and other personal protective equipment.",
            "Supplies and services",
            "PPE",
        ),
        money_line(
            "office_supplies_annual",
            "Office supplies",
            "Stationery, printing and postage at the home.",
            "Supplies and services",
            "Office supplies (home specific)",
        ),
        money_line(
            "insurance_annual",
            "Insurance",
            "Buildings, employer's and public liability and other insurance for the home.",
            "Supplies and services",
            "Insurance (all risks)",
        ),
        money_line(
            "registration_fees_annual",
            "Registration fees",
            "Annual registration fees paid to the regulator for this home.",
            "Supplies and services",
            "Registration fees",
        ),
        money_line(
            "telephone_internet_annual",
            "Telephone and internet",
            "Telephone lines, mobiles and broadband at the home.",
            "Supplies and services",
            "Telephone & internet",
        ),
        money_line(
            "it_annual",
            "IT: hardware, software and care records",
            "Computers, digital care records and other software for the home.",
            "Supplies and services",
            "Other care home supplies and services costs",
        ),
        money_line(
            "council_tax_rates_annual",
            "Council tax or business rates",
            "Council tax or non-domestic rates for the home.",
            "Supplies and services",
            "Council tax / rates",
        ),
        money_line(
            "utilities_annual",
            "Electricity, gas and water",
            "Electricity, gas, oil and water for the home.",
            "Supplies and services",
            "Electricity, Gas & Water",
        ),
        money_line(
            "waste_annual",
            "Trade and clinical waste",
            "Collection and disposal of general, clinical and confidential waste.",
            "Supplies and services",
            "Trade and clinical waste",
        ),
        money_line(
            "transport_activities_annual",
            "Transport and activities",
            "Minibus and transport costs, entertainers and activity materials.",
            "Supplies and services",
            "Transport & Activities",
        ),
    ),
)

HEAD_OFFICE = Section(
    "Head office",
    (
        money_line(
            "central_management_annual",
            "Central or regional management",
            "This home's share of directors, regional managers and other central management.",
            "Head office",
            "Central / Regional Management",
        ),
        money_line(
            "support_services_annual",
            "Support services (finance, HR, legal, marketing)",
            "This home's share of finance, HR, payroll, legal and marketing services.",
            "Head office",
            "Support Services (finance / HR / legal / marketing etc.)",
        ),
        money_line(
            "other_head_office_annual",
            "Other head office costs",
            "Any other head office costs recharged to this home; do not repeat costs "
            "entered above.",
            "Head office",
            "Other head office costs (please specify)",
        ),
        money_line(
            "recruitment_training_annual",
            "Recruitment, training and DBS checks",
            "Advertising, DBS checks and fees to outside trainers (staff time for training "
            "goes in the staffing table).",
            "Head office",
            "Recruitment, training & vetting (incl. DBS checks)",
        ),
    ),
    help="Costs of a group or parent organisation recharged to this home.",
)

CAPITAL = Section(
    "Return on capital (land and buildings)",
    (
        Field(
            "tenure",
            "How the home is held",
            "Whether the provider owns the land and buildings or rents them.",
            "choice",
            "choice",
            required=True,
            choices=TENURES,
        ),
        Field(
            "property_value",
            "Value of land and buildings",
            "Market value of the home's land and buildings (freehold or long leasehold) "
            "from the most recent valuation, in £. Leave blank if you rent the home.",
            "money",
            "GBP",
            min=0,
            max=1e9,
        ),
        Field(
            "property_valuation_date",
            "Date of that valuation",
            "When the value above was assessed.",
            "date",
            "date",
        ),
        money_line(
            "rent_annual",
            "Rent or lease payments for the home",
            "Rent or lease payments for the land and buildings if you do not own them.",
            "Return",
            "Return on capital",
            category="return",
        ),
        Field(
            "return_on_capital_rate",
            "Return on capital you need",
            "Annual return on the value of land and buildings you consider necessary "
            "(type 6% or 0.06).",
            "percent",
            "fraction",
            min=0,
            max=1,
            warn_max=0.15,
        ),
    ),
)

SPEC = register(
    TemplateSpec(
        service="care_home",
        version="2026.1",
        unit="resident_week",
        title="Care home (65+ residential and nursing) cost of care return",
        guidance=(
            "Fill in one workbook for each registered care home.",
            "Report the costs of running the home in the 12 months shown on the Provider "
            "sheet, for all residents whoever pays. Exclude NHS-funded nursing care "
            "income from fees but include the cost of the nurses.",
            "Costs are annual £ excluding VAT you can recover. Staffing pay goes in the "
            "staffing table only; do not repeat it in the cost lines. Do not include "
            "depreciation, interest or rent of land and buildings as costs: rent and the "
            "property value go in the return on capital section.",
        ),
        sheets=(
            SheetSpec("Provider", (provider_section("Care home"),)),
            SheetSpec("Volumes", (HOME, RESIDENTS)),
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
                    PREMISES,
                    SUPPLIES,
                    HEAD_OFFICE,
                    Section("Return on operations", return_on_operations_fields()),
                    CAPITAL,
                    # tables go last on a sheet: rows inserted in them move nothing else
                    Section("Other costs", (other_costs_table(OTHER_COST_LINES),)),
                ),
            ),
            SheetSpec("Declaration", (declaration_section(),)),
        ),
    )
)
