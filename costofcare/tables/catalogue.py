"""The tables passed between steps, each declared once.

Every step reads and writes these shapes; the documentation page ``docs/tables.md`` is
generated from them (``python -m costofcare.tables.docs``). Column names and values have one
spelling; the old spellings listed under ``renamed`` and ``old_values`` are still read, with
a warning naming the file and today's spelling.
"""

from __future__ import annotations

from .spec import Column, Table

#: Costing units: what one unit of service (and of volume) is.
UNITS = ("contact_hour", "resident_week", "support_hour", "sleep_in_night")
#: The unit each service's costs and volumes are counted in, unless priced apart (sleep-ins).
SERVICE_UNITS = {
    "home_care": "contact_hour",
    "care_home": "resident_week",
    "supported_living": "support_hour",
}
#: Cost line categories the staffing share and the scenarios work from.
CATEGORIES = ("staffing", "non_staffing", "return")
#: Care home markets (Fair Cost of Care Annex B): registration type of the home.
CARE_CATEGORIES = ("residential", "nursing", "dual")
#: Unit cost columns naming a care home's market (reported from its return).
CARE_COLUMNS = ("care_category", "enhanced_care")
#: Other spellings of a care category the council's files may use (case aside): the care
#: home template's types of home, and the common names of each registration.
CARE_CATEGORY_ALIASES: dict[str, str] = {
    "residential care": "residential",
    "residential home": "residential",
    "care home without nursing": "residential",
    "nursing care": "nursing",
    "nursing home": "nursing",
    "care home with nursing": "nursing",
    "residential and nursing": "dual",
    "residential & nursing": "dual",
    "nursing and residential": "dual",
    "dual registered": "dual",
    "dual-registered": "dual",
    "dual registration": "dual",
}

#: Old spellings of a costing unit; ``None`` stands for the service's own unit.
_OLD_UNITS: dict[str, str | None] = {
    "contact hour": "contact_hour",
    "contact hours": "contact_hour",
    "gbp/contact_hour": "contact_hour",
    "resident week": "resident_week",
    "resident weeks": "resident_week",
    "bed": "resident_week",
    "beds": "resident_week",
    "occupied bed": "resident_week",
    "occupied beds": "resident_week",
    "bed week": "resident_week",
    "bed weeks": "resident_week",
    "gbp/resident_week": "resident_week",
    "support hour": "support_hour",
    "support hours": "support_hour",
    "gbp/support_hour": "support_hour",
    "sleep-in night": "sleep_in_night",
    "sleep-in nights": "sleep_in_night",
    "sleep in nights": "sleep_in_night",
    "gbp/sleep_in_night": "sleep_in_night",
    "per week": None,
    "week": None,
    "weekly": None,
}

#: Spellings of a service the council's files may use: as the template command reads a
#: service (``costofcare template home-care``), case aside and with a space or hyphen for
#: the underscore, so ``Home care``, ``home-care`` and ``HOME_CARE`` are ``home_care``.
SERVICE_ALIASES: dict[str, str] = {
    spelling: service
    for service in SERVICE_UNITS
    for spelling in (service.replace("_", " "), service.replace("_", "-"))
}

_PROVIDER = Column("provider", "text", "Provider name as given on its return.", not_blank=True)
_SERVICE = Column(
    "service",
    "text",
    "Service type: home_care, care_home or supported_living (the template's service id).",
    not_blank=True,
)
_COUNCIL_PROVIDER = Column(
    "provider",
    "text",
    "Provider name; matched to its return's name ignoring case, spacing, punctuation and a "
    "legal ending such as Ltd or Limited (docs/pipeline.md).",
    not_blank=True,
)
_COUNCIL_SERVICE = Column(
    "service",
    "text",
    "Service type: home_care, care_home or supported_living (Home care, home-care, ... are "
    "read as home_care, with a warning).",
    not_blank=True,
    allowed=tuple(SERVICE_UNITS),
)
_REGISTRATION_NUMBER = Column(
    "registration_number",
    "text",
    "The regulator's registration number (CQC location ID) of the service, as on its "
    "return; when given, the row is matched to its return by it before the name.",
    required=False,
)
_PROVIDER_REFERENCE = Column(
    "provider_reference",
    "text",
    "The council's own reference for the provider's service; when both council files have "
    "it, a volume is matched to its rate by it.",
    required=False,
)
_COUNCIL_CARE_CATEGORY = Column(
    "care_category",
    "text",
    "Care homes: the market the rate is bought in (residential, nursing or dual; "
    "'Nursing home', 'Dual registered', ... are read with a warning). Blank: the matched "
    "return's own category. A nursing or dual rate excludes NHS-funded nursing care.",
    required=False,
    allowed=CARE_CATEGORIES,
)
#: The two values of the council's ``enhanced_care`` column.
ENHANCED_VALUES = ("true", "false")
#: Other spellings of ``enhanced_care`` the council's files may use (case aside).
ENHANCED_ALIASES: dict[str, str] = {
    "yes": "true",
    "y": "true",
    "1": "true",
    "no": "false",
    "n": "false",
    "0": "false",
}
_COUNCIL_ENHANCED_CARE = Column(
    "enhanced_care",
    "text",
    "Care homes: true when the rate is for enhanced needs such as dementia (priced against "
    "the enhanced homes of its care category when enough returns are; 'yes'/'no' are read "
    "with a warning). Blank: false.",
    required=False,
    allowed=ENHANCED_VALUES,
)
#: Columns of the council's files used only to match a row to its return or rate.
MATCH_COLUMNS = (_REGISTRATION_NUMBER.name, _PROVIDER_REFERENCE.name)

_RETURN_ID = Column(
    "return_id",
    "text",
    "First 12 hex digits of the SHA-256 of the return file: which return a row came from.",
    required=False,
)
_VOLUME_PER_WEEK = Column(
    "volume_per_week",
    "number",
    "Units of service the council buys from the provider in an average week.",
    unit="units per week",
    minimum=0.0,
)
_VOLUME_UNIT = Column(
    "volume_unit",
    "text",
    "The unit volume_per_week counts; blank means the service's costing unit.",
    required=False,
    allowed=UNITS,
)
_CURRENT_RATE = Column(
    "current_rate",
    "number",
    "The fee the council pays the provider today.",
    unit="GBP per unit",
    minimum=0.0,
)

VALUES = Table(
    "values",
    "One value read from one cell of one return (the tidy output of ingest).",
    (
        Column("return_id", "text", "First 12 hex digits of the SHA-256 of the return file."),
        Column("provider", "text", "Provider name as given on the return."),
        Column("service", "text", "Service type of the return's template."),
        Column("template_version", "text", "Template version the return was read by."),
        Column("table", "text", 'Template table the value sits in ("" for a single field).'),
        Column("row", "integer", "0 for a single field, else the 1-based row in the table."),
        Column("field", "text", "Field (or table column) id, as in docs/fields.md."),
        Column("value", "number", "The value as a number; NaN for text.", unit="field's unit"),
        Column("text", "text", "Text values, dates (ISO) and choices as the template spells."),
        Column("unit", "text", "The field's unit from the template spec."),
        Column("file", "text", "The return file."),
        Column("sheet", "text", "Sheet of the cell."),
        Column("cell", "text", "Cell reference (A1 style)."),
        Column("raw", "text", "What was typed, as text."),
    ),
    produced_by="ingest",
    used_by="costs, scenarios (workforce), report",
)

ISSUES = Table(
    "issues",
    "One problem found in an input: a cell of a return or a line of a table.",
    (
        Column(
            "severity", "text", "error or warning (follows the code).", allowed=("error", "warning")
        ),
        Column("code", "text", "Issue code from costofcare.ingest.issues.ISSUE_CODES."),
        Column("file", "text", "The file the problem is in."),
        Column("sheet", "text", "Sheet of a workbook (blank for CSV tables)."),
        Column(
            "cell",
            "text",
            "Cell (A1 style) of a workbook, or line number of a CSV table (header is line 1).",
        ),
        Column("field", "text", "The field or column at fault."),
        Column("message", "text", "What is wrong and what to do, for the person who fixes it."),
        Column("raw_value", "text", "The value as given."),
        Column("return_id", "text", "The return the problem is in, where known."),
        Column("provider", "text", "The provider, where known."),
    ),
    produced_by="ingest, every table check",
    used_by="report (validation workbook)",
)

RETURNS = Table(
    "returns",
    "One return file and its status after reading.",
    (
        Column("return_id", "text", "First 12 hex digits of the SHA-256 of the file."),
        Column("file", "text", "The return file."),
        Column(
            "status",
            "text",
            "clean, warnings (read, with warnings), errors (read, with errors) or rejected.",
            allowed=("clean", "warnings", "errors", "rejected"),
        ),
        Column("provider", "text", "Provider name from the return."),
        Column("service", "text", "Service type of the template."),
        Column("template_version", "text", "Template version it was read by."),
        Column("service_name", "text", "Name of the service (home, branch) on the return."),
        Column("registration_number", "text", "CQC registration number on the return."),
        Column("period_start", "text", "First day of the return's period (ISO date)."),
        Column("period_end", "text", "Last day of the return's period (ISO date)."),
        Column("located_by", "text", "How the inputs were found (defined names or labels)."),
        Column("values_read", "integer", "Values read from the return.", unit="values"),
        Column("errors", "integer", "Error issues in the return.", unit="issues"),
        Column("warnings", "integer", "Warning issues in the return.", unit="issues"),
        Column("reason_code", "text", "Issue code of a rejection."),
        Column("reason", "text", "Why a return was rejected."),
    ),
    key=("return_id",),
    produced_by="ingest",
    used_by="costs (which returns stand), report",
)

UNIT_COSTS = Table(
    "unit_costs",
    "One cost line of one provider's service, per unit, by one costing route.",
    (
        _PROVIDER,
        _SERVICE,
        Column(
            "route",
            "text",
            "How the cost was worked out: reported (from the return's accounts), modelled "
            "(bottom-up drivers) or a reported variant (reported_nights_apart, ...).",
            required=False,
        ),
        Column("period_start", "date", "First day of the cost period.", required=False),
        Column(
            "period_end",
            "date",
            "Last day of the cost period.",
            required=False,
            not_before="period_start",
        ),
        Column(
            "unit",
            "text",
            "The unit the cost is per (the service's costing unit, or sleep_in_night).",
            allowed=UNITS,
        ),
        Column("line", "text", "Stable id of the cost line.", required=False),
        Column("cost_line", "text", "Fair Cost of Care line label.", not_blank=True),
        Column(
            "category",
            "text",
            "staffing, non_staffing or return; blank counts in the total only.",
            allowed=(*CATEGORIES, "total"),
        ),
        Column("group", "text", "Annex A heading the line sits under.", required=False),
        Column("cost_per_unit", "number", "Cost of the line per unit.", unit="GBP per unit"),
        Column(
            "share_of_total",
            "number",
            "The line's share of the provider's total cost per unit.",
            unit="fraction",
            required=False,
        ),
        Column(
            "source", "text", "Where the figure comes from (fields and arithmetic).", required=False
        ),
        Column(
            "care_category",
            "text",
            "Care homes: the market the home is priced in, from its registration type "
            "(residential, nursing or dual); blank for other services.",
            required=False,
            allowed=CARE_CATEGORIES,
        ),
        Column(
            "enhanced_care",
            "bool",
            "Care homes: more than half the residents counted by type of care have enhanced "
            "needs (such as dementia).",
            required=False,
        ),
        _RETURN_ID,
    ),
    key=("provider", "service", "route", "cost_line"),
    old_values={"unit": _OLD_UNITS},
    produced_by="costs",
    used_by="scenarios, benchmark, recommend, report",
)

WORKFORCE = Table(
    "workforce",
    "One role of one provider: pay, paid hours and headcount (the whole payroll).",
    (
        _PROVIDER,
        Column("service", "text", "Service type.", required=False),
        _RETURN_ID,
        Column("role", "text", "Role as named on the return's staffing table."),
        Column(
            "rate_per_hour",
            "number",
            "Basic pay plus average enhancements.",
            unit="GBP per hour",
            minimum=0.0,
            not_blank=True,
        ),
        Column(
            "hours_per_week",
            "number",
            "Paid hours a week per worker in the role.",
            unit="hours per week",
            minimum=0.0,
            not_blank=True,
        ),
        Column(
            "headcount",
            "number",
            "Workers in the role.",
            unit="people",
            minimum=0.0,
            not_blank=True,
        ),
    ),
    renamed={"hourly_rate": "rate_per_hour", "weekly_hours": "hours_per_week"},
    produced_by="ingest values (staffing table)",
    used_by="scenarios, recommend (wage floor guardrail)",
)

#: Old spellings the council's rates and volumes files may use, by column.
_COUNCIL_OLD_VALUES = {
    "service": SERVICE_ALIASES,
    "volume_unit": _OLD_UNITS,
    "care_category": CARE_CATEGORY_ALIASES,
    "enhanced_care": ENHANCED_ALIASES,
}

VOLUMES = Table(
    "volumes",
    "What the council buys from one provider's service in an average week.",
    (
        _COUNCIL_PROVIDER,
        _COUNCIL_SERVICE,
        _VOLUME_PER_WEEK,
        _VOLUME_UNIT,
        Column(
            "current_rate",
            "number",
            "The fee paid today, when the volumes file carries it (scenarios' budget impact).",
            unit="GBP per unit",
            required=False,
            minimum=0.0,
        ),
        _REGISTRATION_NUMBER,
        _PROVIDER_REFERENCE,
        _COUNCIL_CARE_CATEGORY,
        _COUNCIL_ENHANCED_CARE,
    ),
    key=("provider", "service"),
    renamed={"volume": "volume_per_week"},
    old_values=_COUNCIL_OLD_VALUES,
    produced_by="the council (CSV)",
    used_by="scenarios (budget impact), benchmark (weighted statistics), recommend",
)

CURRENT_RATES = Table(
    "current_rates",
    "The fee the council pays one provider's service today.",
    (
        _COUNCIL_PROVIDER,
        _COUNCIL_SERVICE,
        _CURRENT_RATE,
        Column(
            "volume_per_week",
            "number",
            "Volume bought a week, when no separate volumes file is given.",
            unit="units per week",
            required=False,
            minimum=0.0,
        ),
        _VOLUME_UNIT,
        _REGISTRATION_NUMBER,
        _PROVIDER_REFERENCE,
        _COUNCIL_CARE_CATEGORY,
        _COUNCIL_ENHANCED_CARE,
    ),
    key=("provider", "service"),
    renamed={"volume": "volume_per_week"},
    old_values=_COUNCIL_OLD_VALUES,
    produced_by="the council (CSV)",
    used_by="scenarios, recommend, report",
)

COMPARATORS = Table(
    "comparators",
    "A published rate of another council, with its source.",
    (
        Column("authority", "text", "The council that published the rate.", not_blank=True),
        Column("region", "text", "Its region."),
        Column("service", "text", "Service type (home_care, care_home_residential, ...)."),
        Column(
            "rate",
            "number",
            "The published rate (£ and thousands commas allowed).",
            unit="GBP per unit",
        ),
        Column("unit", "text", "What the rate is per (hour, week, ...)."),
        Column("period", "text", "Financial year (2024-25), month (2024-09) or date."),
        Column(
            "source",
            "text",
            "Where it was published (or source_title / source_url).",
            required=False,
        ),
        Column("source_title", "text", "Title of the publication.", required=False),
        Column("source_url", "text", "Address of the publication.", required=False),
    ),
    row_label=("authority", "service"),
    produced_by="the council (CSV or workbook); a shipped example",
    used_by="benchmark (comparators)",
)

RECOMMENDATIONS = Table(
    "recommendations",
    "One provider's proposed rate for a service (the per-provider rows of a recommendation).",
    (
        Column("provider", "text", "Provider name."),
        Column("service", "text", "Service type.", required=False),
        Column("current_rate", "number", "Fee paid today (NaN: no proposal).", unit="GBP per unit"),
        Column("volume_per_week", "number", "Volume bought a week.", unit="units per week"),
        Column("proposed_rate", "number", "Rate proposed after guardrails.", unit="GBP per unit"),
        Column("uplift", "number", "proposed_rate / current_rate - 1.", unit="fraction"),
        Column(
            "current_spend_annual", "number", "current_rate x volume a year.", unit="GBP a year"
        ),
        Column(
            "proposed_spend_annual", "number", "proposed_rate x volume a year.", unit="GBP a year"
        ),
        Column("impact_annual", "number", "proposed minus current spend.", unit="GBP a year"),
    ),
    key=("provider", "service"),
    produced_by="recommend",
    used_by="report",
)

NURSING_CARE = Table(
    "nursing_care",
    "One care home return's total cost per resident week with and without NHS-funded nursing "
    "care (FNC), by one costing route.",
    (
        _PROVIDER,
        _SERVICE,
        _RETURN_ID,
        Column("route", "text", "The costing route of the total (reported, ...)."),
        Column(
            "care_category",
            "text",
            "The home's care category (residential, nursing or dual).",
            required=False,
            allowed=CARE_CATEGORIES,
        ),
        Column(
            "period_midpoint",
            "date",
            "Middle day of the return's period: the FNC rate in force on it is used.",
        ),
        Column(
            "fnc_per_week",
            "number",
            "FNC standard weekly rate on the period's middle day (0 when no nursing).",
            unit="GBP a week",
        ),
        Column(
            "nursing_share",
            "number",
            "Nursing residents as a share of the residents counted by type of care.",
            unit="fraction",
        ),
        Column(
            "fnc_per_unit",
            "number",
            "fnc_per_week x nursing_share.",
            unit="GBP per resident week",
        ),
        Column(
            "cost_per_unit",
            "number",
            "The home's total cost per resident week.",
            unit="GBP per resident week",
        ),
        Column(
            "cost_excluding_fnc_per_unit",
            "number",
            "cost_per_unit - fnc_per_unit.",
            unit="GBP per resident week",
        ),
        Column("source", "text", "The FNC rate used, its source and the nursing share."),
    ),
    key=("provider", "service", "route"),
    produced_by="costs",
    used_by="benchmark",
)

#: What a service's capacity is counted in (the register's ``capacity_unit``).
CAPACITY_UNITS = ("beds", "hours_per_week", "people", "places")

REGISTER = Table(
    "register",
    "One registered service (the grain a regulator inspects): who runs it, where, under "
    "what contract and how big it is. One provider can run several services.",
    (
        Column(
            "registration_number",
            "text",
            "The regulator's registration number of the service (CQC location ID or Care "
            "Inspectorate number): the key the returns, ratings and indicators carry.",
            not_blank=True,
        ),
        Column(
            "provider", "text", "The provider (organisation) running the service.", not_blank=True
        ),
        Column(
            "service_name", "text", "Name of the service (home, branch, project).", required=False
        ),
        Column(
            "service",
            "text",
            "The costed service it falls under: home_care, care_home or supported_living "
            "(blank for a service the cost of care exercise does not price).",
            required=False,
            allowed=tuple(SERVICE_UNITS),
        ),
        Column(
            "service_type",
            "text",
            "The service type as the council or regulator names it (e.g. 'Care home for older "
            "people', 'Care at home', 'Housing support'); statistics are grouped by it.",
            required=False,
        ),
        Column(
            "care_category",
            "text",
            "For a care home: residential, nursing or dual registration.",
            required=False,
            allowed=CARE_CATEGORIES,
        ),
        Column("locality", "text", "Locality or area the service covers.", required=False),
        Column("tier", "text", "Tier of a framework or dynamic purchasing system.", required=False),
        Column("zone", "text", "Zone (patch) of a framework or DPS.", required=False),
        Column(
            "contract_type",
            "text",
            "How the council buys from it (framework, DPS, block, spot, none).",
            required=False,
        ),
        Column(
            "contract_end", "date", "Last day of the current contract or framework.", required=False
        ),
        Column(
            "capacity",
            "number",
            "Registered or commissioned capacity, in capacity_unit.",
            unit="capacity_unit",
            required=False,
            minimum=0.0,
        ),
        Column(
            "capacity_unit",
            "text",
            "What capacity counts: beds, hours_per_week, people or places.",
            required=False,
            allowed=CAPACITY_UNITS,
        ),
        _PROVIDER_REFERENCE,
    ),
    key=("registration_number",),
    old_values={"service": SERVICE_ALIASES},
    row_label=("registration_number", "provider"),
    produced_by="the council (CSV or workbook)",
    used_by="market (quality and risk, market shape)",
)

_REGISTERED = Column(
    "registration_number",
    "text",
    "The regulator's registration number of the service, as in the register.",
    not_blank=True,
)
#: RAG results (red, amber, green) and what a service with no result at all is.
RAG_VALUES = ("red", "amber", "green")

RATINGS = Table(
    "ratings",
    "One rating a regulator gave one registered service, for one theme (or overall) on one "
    "date. Each regulator has its own scale (docs/market.md).",
    (
        _REGISTERED,
        Column(
            "regulator",
            "text",
            "Who rated it: CQC (Care Quality Commission) or Care Inspectorate.",
            not_blank=True,
        ),
        Column(
            "theme",
            "text",
            "The theme or key question rated (CQC: safe, effective, caring, responsive, "
            "well-led; Care Inspectorate: e.g. wellbeing, leadership, staffing, setting, care "
            "planning); blank or 'overall' for the overall rating.",
            required=False,
        ),
        Column(
            "rating",
            "text",
            "The rating as the regulator words it (CQC: Outstanding, Good, Requires "
            "improvement, Inadequate, Not yet inspected; Care Inspectorate: a grade 1 to 6, "
            "with or without its word).",
            not_blank=True,
        ),
        Column("date", "date", "Date the rating was published.", not_blank=True),
        Column("source", "text", "Where the rating comes from (report, web page).", required=False),
    ),
    key=("registration_number", "regulator", "theme", "date"),
    row_label=("registration_number",),
    produced_by="the council (regulator data, CSV or workbook)",
    used_by="market (ratings, distributions, RAG)",
)

INDICATORS = Table(
    "indicators",
    "One value of one local monitoring indicator for one registered service on one date "
    "(long form: a new indicator is a new value of ``indicator``, not a new column).",
    (
        _REGISTERED,
        Column(
            "indicator",
            "text",
            "The indicator's name as the RAG rules use it (e.g. pamms_outcome, "
            "safeguarding_decisions, embargo).",
            not_blank=True,
        ),
        Column(
            "value",
            "text",
            "The value: a number (``82%`` reads as 0.82) or a word (yes, no, Good, ...).",
            required=False,
        ),
        Column("date", "date", "Date the value was recorded or refers to.", required=False),
        Column("source", "text", "Where the value comes from.", required=False),
        Column(
            "file",
            "text",
            "For an indicator taken from a return: the return file (blank otherwise).",
            required=False,
        ),
        Column("sheet", "text", "For an indicator taken from a return: its sheet.", required=False),
        Column(
            "cell",
            "text",
            "For an indicator taken from a return: its cell(s); otherwise the line of the "
            "indicators file.",
            required=False,
        ),
    ),
    key=("registration_number", "indicator", "date"),
    row_label=("registration_number", "indicator"),
    produced_by="the council (local monitoring, CSV or workbook); market (from the returns)",
    used_by="market (RAG, bands, shares)",
)

PUBLISHED_DISTRIBUTIONS = Table(
    "published_distributions",
    "A distribution as a report published it: the percentage in each category for one "
    "period. Checked (do they add up to 100%?), never rescaled.",
    (
        Column("source", "text", "The report or table the figures come from.", not_blank=True),
        Column(
            "period",
            "text",
            "The period the column describes (e.g. 2018, Q2 2023).",
            not_blank=True,
        ),
        Column("category", "text", "The category (a rating, a band).", not_blank=True),
        Column("percent", "number", "The percentage as published (7.95 is 7.95%).", unit="percent"),
    ),
    key=("source", "period", "category"),
    row_label=("source", "period"),
    produced_by="the council (CSV or workbook)",
    used_by="market (distribution checks)",
)

RAG = Table(
    "rag",
    "The RAG result of one registered service, with every reason and any manual override.",
    (
        _REGISTERED,
        Column("provider", "text", "The provider running the service (from the register)."),
        Column(
            "service", "text", "The costed service it falls under (blank if none).", required=False
        ),
        Column("service_type", "text", "The service type (from the register).", required=False),
        Column(
            "rag_by_rules",
            "text",
            "The result of the rules before any override.",
            allowed=RAG_VALUES,
        ),
        Column("score", "number", "The score, when the rules combine by score.", required=False),
        Column(
            "rag", "text", "The result used: the override's when there is one.", allowed=RAG_VALUES
        ),
        Column("reasons", "text", "Every indicator not green, with its value and rule."),
        Column("override_reason", "text", "Why the result was set by hand.", required=False),
        Column("override_date", "date", "When the result was set by hand.", required=False),
    ),
    key=("registration_number",),
    row_label=("registration_number", "provider"),
    produced_by="market (rag.py)",
    used_by="market (sustainability), report (Providers sheet)",
)

SUSTAINABILITY = Table(
    "sustainability",
    "One provider's service under one option of the run (the recommendation, or a "
    "scenario's costs): its cost per unit against the proposed rate, the gap as a share of "
    "the cost, its RAG and whether it is at risk.",
    (
        Column("option", "text", "'recommended' (the proposed rate) or a scenario's name."),
        Column("service", "text", "Service type: home_care, care_home or supported_living."),
        Column("provider", "text", "Provider name as on its return."),
        Column("registration_numbers", "text", "The registered services behind the row."),
        Column(
            "rag", "text", "The worst RAG of those services (blank: none linked).", required=False
        ),
        Column(
            "cost_per_unit",
            "number",
            "Cost per unit the rate is set against: the cost "
            "rolled forward (recommended) or the scenario's required rate.",
            unit="GBP per unit",
        ),
        Column(
            "rate_per_unit",
            "number",
            "The proposed rate (the same under every option).",
            unit="GBP per unit",
        ),
        Column(
            "gap_share",
            "number",
            "(rate - cost) / cost: below 0 the rate is under cost.",
            unit="fraction",
        ),
        Column(
            "volume_per_week",
            "number",
            "Commissioned units a week.",
            unit="units a week",
            required=False,
        ),
        Column("below_threshold", "bool", "gap_share is below minus the threshold."),
        Column("at_risk", "bool", "below_threshold and the RAG is one of the at-risk results."),
    ),
    key=("option", "service", "provider"),
    produced_by="market (sustainability.py)",
    used_by="report (Market sustainability sheet), summary.json",
)

#: Every declared table by name.
TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        VALUES,
        ISSUES,
        RETURNS,
        UNIT_COSTS,
        NURSING_CARE,
        WORKFORCE,
        VOLUMES,
        CURRENT_RATES,
        COMPARATORS,
        RECOMMENDATIONS,
        REGISTER,
        RATINGS,
        INDICATORS,
        PUBLISHED_DISTRIBUTIONS,
        RAG,
        SUSTAINABILITY,
    )
}


def get_table(name: str) -> Table:
    """The declaration of a table by name; an unknown name lists the known ones."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"no table {name!r}; the tables are {', '.join(TABLES)}") from None


# ------------------------------------------------------------------------ market shape
# The council's tables behind the market shape step (costofcare.market: spend, capacity
# against demand, market movement, the contract calendar and the medium-term profile).

#: Self-directed support options (Social Care (Self-directed Support) (Scotland) Act 2013):
#: 1 a direct payment, 2 the person directs the support the council arranges, 3 the council
#: arranges it, 4 a mix.
SDS_OPTIONS = ("1", "2", "3", "4")
#: Whether a line of spend was bought under a contract.
CONTRACT_STATUSES = ("under_contract", "no_contract")
#: What a market event is: a service or provider joining, leaving by choice, closing, or
#: handing back packages of care (the capacity given back).
MARKET_EVENT_KINDS = ("entry", "exit", "closure", "hand_back")

_SERVICE_TYPE = Column(
    "service_type",
    "text",
    "The service type as the council names it (e.g. 'Care at home', 'Care home for older "
    "people', 'Community support'); the tables are grouped by it.",
    not_blank=True,
)
_COSTED_SERVICE = Column(
    "service",
    "text",
    "The costed service it falls under (home_care, care_home, supported_living), if any.",
    required=False,
    allowed=tuple(SERVICE_UNITS),
)

SPEND = Table(
    "spend",
    "One line of the council's spend on bought care in a period: with whom, on what, for "
    "which client group, under which self-directed support option and whether under contract.",
    (
        Column("provider", "text", "The provider paid.", not_blank=True),
        _REGISTRATION_NUMBER,
        _SERVICE_TYPE,
        _COSTED_SERVICE,
        Column(
            "client_group",
            "text",
            "Client group or service area (older people, learning disability, children, ...).",
            required=False,
        ),
        Column(
            "sds_option",
            "text",
            "Self-directed support option 1, 2, 3 or 4 (blank where none applies).",
            required=False,
            allowed=SDS_OPTIONS,
        ),
        Column(
            "contract_status",
            "text",
            "under_contract or no_contract.",
            required=False,
            allowed=CONTRACT_STATUSES,
        ),
        Column("contract_type", "text", "framework, DPS, block, spot, ...", required=False),
        Column(
            "amount",
            "number",
            "What was spent in the period.",
            unit="GBP",
            minimum=0.0,
            not_blank=True,
        ),
        Column("period_start", "date", "First day of the period.", required=False),
        Column(
            "period_end",
            "date",
            "Last day of the period.",
            required=False,
            not_before="period_start",
        ),
    ),
    old_values={
        "sds_option": {f"option {n}": n for n in SDS_OPTIONS},
        "contract_status": {
            "contract": "under_contract",
            "contracted": "under_contract",
            "yes": "under_contract",
            "none": "no_contract",
            "no": "no_contract",
            "off contract": "no_contract",
        },
        "service": SERVICE_ALIASES,
    },
    row_label=("provider",),
    produced_by="the council (CSV or workbook)",
    used_by="market (market shape: spend snapshot)",
)

DEMAND = Table(
    "demand",
    "The need for one service type in one locality and year, as the council counts it: the "
    "demand and, of it, what is waiting (unmet).",
    (
        _SERVICE_TYPE,
        Column("locality", "text", "Locality or area (blank: the whole council).", required=False),
        Column(
            "year",
            "integer",
            "Financial year by its first calendar year (2026 is 2026-27).",
            unit="year",
            minimum=1990.0,
            maximum=2100.0,
            not_blank=True,
        ),
        Column(
            "unit",
            "text",
            "What demand counts: beds, hours_per_week, people or places.",
            allowed=CAPACITY_UNITS,
            not_blank=True,
        ),
        Column(
            "demand",
            "number",
            "The need in the year, in unit (people needing the service, hours a week needed).",
            unit="unit",
            minimum=0.0,
            not_blank=True,
        ),
        Column(
            "waiting",
            "number",
            "Of the demand, what is waiting for a service (unmet need), in unit.",
            unit="unit",
            required=False,
            minimum=0.0,
        ),
    ),
    key=("service_type", "locality", "year", "unit"),
    row_label=("service_type", "locality"),
    produced_by="the council (CSV or workbook)",
    used_by="market (market shape: capacity against demand)",
)

MARKET_EVENTS = Table(
    "market_events",
    "One dated change in the market: a service or provider entering, exiting, closing or "
    "handing back care, with the capacity gained or lost.",
    (
        Column("date", "date", "The day it took effect.", not_blank=True),
        Column(
            "event",
            "text",
            "entry, exit, closure or hand_back.",
            allowed=MARKET_EVENT_KINDS,
            not_blank=True,
        ),
        Column("provider", "text", "The provider.", not_blank=True),
        _REGISTRATION_NUMBER,
        Column("service_type", "text", "The service type as the council names it.", required=False),
        Column("locality", "text", "Locality or area.", required=False),
        Column("tier", "text", "Tier of the framework or DPS joined or left.", required=False),
        Column("zone", "text", "Zone of the framework or DPS joined or left.", required=False),
        Column(
            "capacity",
            "number",
            "Capacity gained (entry) or lost (exit, closure, hand-back), in capacity_unit.",
            unit="capacity_unit",
            required=False,
            minimum=0.0,
        ),
        Column(
            "capacity_unit",
            "text",
            "beds, hours_per_week, people or places.",
            required=False,
            allowed=CAPACITY_UNITS,
        ),
        Column(
            "planned",
            "text",
            "planned or unplanned (an exit the council was told of in time, or not).",
            required=False,
            allowed=("planned", "unplanned"),
        ),
    ),
    old_values={
        "event": {"handback": "hand_back", "hand-back": "hand_back", "hand back": "hand_back"}
    },
    row_label=("provider",),
    produced_by="the council (CSV or workbook)",
    used_by="market (market shape: movement, DPS tiers and zones)",
)

CONTRACTS = Table(
    "contracts",
    "One contract or framework the council buys care under, with its end date: the "
    "contract calendar.",
    (
        Column("contract_id", "text", "The council's reference for the contract.", not_blank=True),
        Column("name", "text", "What the contract is called.", required=False),
        Column("provider", "text", "The provider (blank for a framework).", required=False),
        Column("service_type", "text", "The service type it buys.", required=False),
        Column("contract_type", "text", "framework, DPS, block, spot, ...", required=False),
        Column("start", "date", "First day of the contract.", required=False),
        Column(
            "end",
            "date",
            "Last day of the contract as it stands (extensions not taken).",
            not_blank=True,
            not_before="start",
        ),
        Column(
            "extension_months",
            "number",
            "Extension the council may still take, in months.",
            unit="months",
            required=False,
            minimum=0.0,
        ),
        Column(
            "annual_value",
            "number",
            "Value of the contract a year.",
            unit="GBP per year",
            required=False,
            minimum=0.0,
        ),
        Column(
            "lead_time_months",
            "number",
            "Months needed to recommission it (blank: the [market] lead_time_months).",
            unit="months",
            required=False,
            minimum=0.0,
        ),
    ),
    key=("contract_id",),
    row_label=("contract_id", "name"),
    produced_by="the council (CSV or workbook)",
    used_by="market (market shape: contract calendar)",
)

BUDGET_PROFILE = Table(
    "budget_profile",
    "The council's medium-term spend on one service under one option (rate choice) in one "
    "financial year.",
    (
        Column("option", "text", "The option (rate choice) the spend follows.", not_blank=True),
        Column("service", "text", "The service (costed service or service type).", not_blank=True),
        Column(
            "year",
            "integer",
            "Financial year by its first calendar year (2026 is 2026-27).",
            unit="year",
            not_blank=True,
        ),
        Column("spend", "number", "Spend in the year.", unit="GBP per year", not_blank=True),
    ),
    key=("option", "service", "year"),
    row_label=("option", "service"),
    produced_by="the decision pack's multi-year budget, or market.simple_profile",
    used_by="market (market shape: funding)",
)

FUNDING_LINES = Table(
    "funding_lines",
    "One line of funding the council expects for bought care in one financial year.",
    (
        Column(
            "year",
            "integer",
            "Financial year by its first calendar year (2026 is 2026-27).",
            unit="year",
            not_blank=True,
        ),
        Column(
            "service",
            "text",
            "The service it funds, as in the budget profile (blank: every service).",
            required=False,
        ),
        Column("line", "text", "Name of the funding line (budget, grant, ...).", not_blank=True),
        Column("amount", "number", "Funding in the year.", unit="GBP per year", not_blank=True),
    ),
    key=("year", "service", "line"),
    row_label=("line",),
    produced_by="the council (CSV or workbook)",
    used_by="market (market shape: funding)",
)

#: The market shape step's tables.
MARKET_SHAPE_TABLES = (SPEND, DEMAND, MARKET_EVENTS, CONTRACTS, BUDGET_PROFILE, FUNDING_LINES)
TABLES.update({t.name: t for t in MARKET_SHAPE_TABLES})
