"""Supported living cost return; costing unit: the support hour.

Sleep-in nights and waking nights are priced separately from daytime support, so the
return asks for their volumes and what staff are paid for them. Cost lines follow the home
care (Annex A) structure, which councils commonly reuse for supported living.
"""

from __future__ import annotations

from .common import (
    business_costs_section,
    declaration_section,
    money_line,
    other_costs_table,
    provider_section,
    return_on_operations_fields,
    staff_roles_table,
    staffing_policy_section,
    travel_and_equipment_section,
)
from .spec import Field, Section, SheetSpec, TemplateSpec, register

SUPPORT_WORKER_COSTS = "Support worker costs"
BACK_OFFICE_STAFF = "Back office staff"

ROLE_COST_LINES = (
    ("Support worker", SUPPORT_WORKER_COSTS),
    ("Senior support worker", SUPPORT_WORKER_COSTS),
    ("Waking night support worker", SUPPORT_WORKER_COSTS),
    ("Team leader", SUPPORT_WORKER_COSTS),
    ("Nurse", SUPPORT_WORKER_COSTS),
    ("Registered manager", BACK_OFFICE_STAFF),
    ("Deputy or service manager", BACK_OFFICE_STAFF),
    ("Rota coordinator", BACK_OFFICE_STAFF),
    ("Administration", BACK_OFFICE_STAFF),
    ("Other", BACK_OFFICE_STAFF),
)
"""Staff roles offered in the supported living return and the line each one costs to."""

OTHER_COST_LINES = (
    ("Staffing", "Additional non-contact pay"),
    ("Travel and equipment", "Other travel and equipment costs"),
    ("Business costs", "Other overheads"),
)

VOLUMES = Section(
    "Support (average week in the period)",
    (
        Field(
            "people_supported",
            "People supported",
            "Number of tenants receiving support from this service at the end of the "
            "period (all funders).",
            "integer",
            "count",
            required=True,
            min=0,
            max=100_000,
        ),
        Field(
            "schemes",
            "Properties or schemes",
            "Number of properties or schemes where you provide support.",
            "integer",
            "count",
            min=0,
            max=10_000,
        ),
        Field(
            "support_hours_per_week",
            "Support hours a week (all funders)",
            "Average daytime support hours delivered a week, one-to-one and shared, "
            "excluding sleep-ins and waking nights. Total in the period / 52.14.",
            "number",
            "hours/week",
            required=True,
            min=0,
            max=1_000_000,
        ),
        Field(
            "shared_support_hours_per_week",
            "Of which shared (core) hours a week",
            "The part of the support hours above shared between tenants (core or communal hours).",
            "number",
            "hours/week",
            min=0,
            max=1_000_000,
        ),
        Field(
            "support_hours_council_per_week",
            "Support hours a week funded by this council",
            "The part of the support hours commissioned by this council.",
            "number",
            "hours/week",
            min=0,
            max=1_000_000,
        ),
        Field(
            "support_worker_headcount",
            "Support workers employed",
            "Number of support workers (all grades that deliver support) at the end of "
            "the period; should match the support worker rows of the staffing table.",
            "integer",
            "count",
            required=True,
            min=0,
            max=100_000,
        ),
        Field(
            "support_worker_paid_hours_per_week",
            "Support worker paid hours a week",
            "All hours paid to support workers in an average week, including travel, "
            "training and supervision and the hours of waking nights; exclude sleep-ins, "
            "holiday and sickness.",
            "number",
            "hours/week",
            required=True,
            min=0,
            max=1_000_000,
        ),
    ),
)

NIGHTS = Section(
    "Sleep-in and waking nights",
    (
        Field(
            "sleep_ins_per_week",
            "Sleep-in nights a week",
            "Average number of sleep-in shifts a week (one worker sleeping in for one "
            "night counts as one).",
            "number",
            "nights/week",
            min=0,
            max=100_000,
        ),
        Field(
            "sleep_in_hours_per_night",
            "Length of a sleep-in (hours)",
            "Usual length of one sleep-in shift in hours.",
            "number",
            "hours/night",
            min=0,
            max=24,
            warn_min=6,
            warn_max=12,
        ),
        Field(
            "sleep_in_payment_per_night",
            "Pay for one sleep-in",
            "What you pay a worker for one sleep-in shift (flat rate or hourly rate x "
            "hours), before employer NI and pension.",
            "money",
            "GBP/night",
            min=0,
            max=1_000,
            warn_max=300,
        ),
        Field(
            "sleep_in_paid_hourly",
            "Sleep-ins paid by the hour",
            "Choose Yes if every hour of a sleep-in is paid at an hourly rate, No if a flat "
            "allowance is paid.",
            "bool",
            "choice",
        ),
        Field(
            "waking_nights_per_week",
            "Waking nights a week",
            "Average number of waking night shifts a week (one worker awake for one night "
            "counts as one).",
            "number",
            "nights/week",
            min=0,
            max=100_000,
        ),
        Field(
            "waking_night_hours_per_night",
            "Length of a waking night (hours)",
            "Usual length of one waking night shift in hours.",
            "number",
            "hours/night",
            min=0,
            max=24,
            warn_min=6,
            warn_max=14,
        ),
        Field(
            "waking_night_rate_per_hour",
            "Pay per hour for waking nights",
            "Hourly rate paid for waking night shifts, including any night enhancement.",
            "money",
            "GBP/hour",
            min=0,
            max=500,
            warn_max=100,
        ),
    ),
)

ACTIVITIES = Section(
    "Activities",
    (
        money_line(
            "activities_annual",
            "Activities and community access",
            "Costs you meet (not tenants) for activities, outings and staff expenses when "
            "supporting tenants in the community.",
            "Business costs",
            "Activities",
        ),
    ),
)

SPEC = register(
    TemplateSpec(
        service="supported_living",
        version="2026.1",
        unit="support_hour",
        title="Supported living cost of care return",
        guidance=(
            "Fill in one workbook for each registered supported living service.",
            "Report the costs of delivering support in the 12 months shown on the Provider "
            "sheet, for all tenants whoever pays. Exclude housing costs met through rent "
            "or housing benefit.",
            "Costs are annual £ excluding VAT you can recover. Staffing pay (including "
            "sleep-in and waking night pay) goes in the staffing table only; do not repeat "
            "it in the cost lines.",
        ),
        sheets=(
            SheetSpec("Provider", (provider_section("Service"),)),
            SheetSpec("Volumes", (VOLUMES, NIGHTS)),
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
                    travel_and_equipment_section("support worker"),
                    business_costs_section("office"),
                    ACTIVITIES,
                    Section("Return on operations", return_on_operations_fields()),
                    # tables go last on a sheet: rows inserted in them move nothing else
                    Section("Other costs", (other_costs_table(OTHER_COST_LINES),)),
                ),
            ),
            SheetSpec("Declaration", (declaration_section(),)),
        ),
    )
)
