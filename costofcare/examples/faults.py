"""Spoil a deliberate minority of the example returns, the ways real returns go wrong.

Two kinds of entry, each recorded as an :class:`~costofcare.examples.market.Entry` (a row of
``MANIFEST.csv``) so tests can check that ingest reports every one:

``fault``
    one per spoiled file (about 15% of files): a care worker paid below the National Living
    Wage, a required figure left blank, occupancy over 100%, a percentage typed as a whole
    number, a spreadsheet error in a cost line, "N/A" in a figure, a provider sending its
    return twice, a return pasted into a blank workbook, a file cut short in transfer and a
    PDF sent instead of the workbook. ``expected_code`` is the ingest issue code.
``messy``
    figures typed the ways people type them that are still readable: ``"£1,234.50"``,
    ``"12.5%"``, ``"1,250"``, ``"nil"``. ``expected_value`` is what ingest should read.
"""

from __future__ import annotations

import copy
import math

import numpy as np

from ..templates.spec import get_spec
from .market import Entry, ExampleMarket, Figures, ProviderReturn

# fault id, services it can hit (in preference order), what is wrong, expected issue code
FAULTS = (
    (
        "pay_below_wage_floor",
        ("home_care", "supported_living"),
        "a care worker row paid below the National Living Wage",
        "below_wage_floor",
    ),
    (
        "required_blank",
        ("home_care", "supported_living"),
        "contact hours a week left blank",
        "required_missing",
    ),
    ("occupancy_over_100", ("care_home",), "average occupancy typed as 104%", "out_of_bounds"),
    (
        "percent_as_whole_number",
        ("care_home", "home_care"),
        "return on operations rate typed as a whole number of percent",
        "assumed",
    ),
    (
        "spreadsheet_error",
        ("care_home", "home_care"),
        "a cost line holds #DIV/0! from the provider's own formula",
        "formula_error",
    ),
    (
        "not_applicable",
        ("supported_living", "care_home"),
        "a figure entered as N/A",
        "not_applicable",
    ),
    (
        "duplicate_provider",
        ("home_care", "care_home"),
        "the provider sent a second, revised return",
        "duplicate_provider",
    ),
    (
        "pasted_into_blank_workbook",
        ("supported_living", "home_care"),
        "labels and values pasted into a blank workbook",
        "located_by_label",
    ),
    (
        "corrupt_file",
        ("home_care", "care_home"),
        "the file was cut short in transfer and cannot be opened",
        "corrupt_archive",
    ),
    (
        "wrong_file_type",
        ("care_home", "home_care"),
        "a PDF sent instead of the workbook, under the workbook's .xlsx name",
        "not_a_workbook",
    ),
)
"""Every fault the example market can carry."""


def _any(r: ProviderReturn) -> bool:
    return True


NEEDS = {
    "required_blank": lambda r: "contact_hours_per_week" in r.values,
    "not_applicable": lambda r: (
        "sleep_in_payment_per_night" in r.values or "average_fee_self_funded_per_week" in r.values
    ),
}
"""Faults that need a return holding a particular figure."""

MESSY_SHARE = 0.2
"""Share of the remaining template returns given one messy-but-readable entry."""


def _pounds(x: float) -> str:
    return f"£{x:,.2f}"


def _percent(x: float) -> str:
    return f"{x * 100:g}%"


def _pick(
    rng: np.random.Generator,
    market: ExampleMarket,
    services: tuple[str, ...],
    used: set[int],
    need=lambda r: True,
) -> int | None:
    for service in services:
        options = [
            i
            for i, r in enumerate(market.returns)
            if r.service == service and i not in used and r.form == "template" and need(r)
        ]
        if options:
            return int(options[int(rng.integers(len(options)))])
    return None


def _pay_below_wage_floor(r: ProviderReturn, entry: dict, figures: Figures, inserts) -> None:
    staff = r.tables["staff_roles"].copy()
    rate = round(figures.wage_floor_per_hour - 0.44, 2)
    staff.loc[0, "basic_rate_per_hour"] = rate
    r.tables["staff_roles"] = staff
    entry.update(
        table="staff_roles",
        row=1,
        field="basic_rate_per_hour",
        entered=f"{rate:.2f}",
        expected_value=rate,
    )


def _required_blank(r: ProviderReturn, entry: dict, figures: Figures, inserts) -> None:
    r.values.pop("contact_hours_per_week")
    entry.update(field="contact_hours_per_week")


def _occupancy_over_100(r: ProviderReturn, entry: dict, figures: Figures, inserts) -> None:
    r.values["average_occupancy"] = "104%"
    entry.update(field="average_occupancy", entered="104%", expected_value=1.04)


def _percent_as_whole_number(r: ProviderReturn, entry: dict, figures: Figures, inserts) -> None:
    rate = r.values["return_on_operations_rate"]
    r.values["return_on_operations_rate"] = round(rate * 100, 2)
    entry.update(field="return_on_operations_rate", entered=f"{rate * 100:g}", expected_value=rate)


def _spreadsheet_error(r: ProviderReturn, entry: dict, figures: Figures, inserts) -> None:
    field = "food_annual" if r.service == "care_home" else "it_annual"
    r.values[field] = "#DIV/0!"
    entry.update(field=field, entered="#DIV/0!")


def _not_applicable(r: ProviderReturn, entry: dict, figures: Figures, inserts) -> None:
    field = (
        "sleep_in_payment_per_night"
        if "sleep_in_payment_per_night" in r.values
        else "average_fee_self_funded_per_week"
    )
    r.values[field] = "N/A"
    entry.update(field=field, entered="N/A")


def _duplicate_provider(r: ProviderReturn, entry: dict, figures: Figures, inserts) -> None:
    twin = copy.deepcopy(r)
    twin.file = r.file.replace(".xlsx", "_resubmitted.xlsx")
    for key, value in list(twin.values.items()):
        if key.endswith("_annual") and isinstance(value, float) and value > 0:
            twin.values[key] = float(math.floor(value * 1.03 + 0.5))
    twin.values["notes"] = "Revised return: replaces the one sent earlier."
    inserts.append(twin)
    entry.update(file=twin.file, field="provider_name", entered=r.provider)


def _form(form: str):
    def apply(r: ProviderReturn, entry: dict, figures: Figures, inserts) -> None:
        r.form = form

    return apply


#: How each fault of :data:`FAULTS` spoils the return it hits (and fills its answer key).
APPLY = {
    "pay_below_wage_floor": _pay_below_wage_floor,
    "required_blank": _required_blank,
    "occupancy_over_100": _occupancy_over_100,
    "percent_as_whole_number": _percent_as_whole_number,
    "spreadsheet_error": _spreadsheet_error,
    "not_applicable": _not_applicable,
    "duplicate_provider": _duplicate_provider,
    "pasted_into_blank_workbook": _form("pasted"),
    "corrupt_file": _form("corrupt"),
    "wrong_file_type": _form("wrong_type"),
}


def spoil(market: ExampleMarket, rng: np.random.Generator, figures: Figures) -> None:
    """Apply :data:`FAULTS` (one file each) and messy entries to ``market`` in place.

    A fault is skipped when the market has no return of a service it can hit (a tiny market).
    """
    used: set[int] = set()
    spoiled: set[str] = set()
    entries: list[Entry] = []
    inserts: list[tuple[int, ProviderReturn]] = []
    for fault, services, what, code in FAULTS:
        i = _pick(rng, market, services, used, NEEDS.get(fault, _any))
        if i is None:
            continue
        used.add(i)
        r = market.returns[i]
        spoiled.add(r.file)
        entry = dict(
            file=r.file,
            provider=r.provider,
            service=r.service,
            kind="fault",
            fault=f"{fault}: {what}",
            expected_code=code,
        )
        twins: list[ProviderReturn] = []
        APPLY[fault](r, entry, figures, twins)
        inserts += [(i + 1, twin) for twin in twins]
        entries.append(Entry(**entry))
    for offset, (i, twin) in enumerate(inserts):
        market.returns.insert(i + offset, twin)
    spoiled |= {twin.file for _, twin in inserts}
    entries += _messy(rng, market, spoiled)
    market.entries = entries


def _messy(rng: np.random.Generator, market: ExampleMarket, spoiled: set[str]) -> list[Entry]:
    """One readable-but-messy entry in a share of the clean template returns."""
    clean = [r for r in market.returns if r.form == "template" and r.file not in spoiled]
    n = max(1, int(round(len(clean) * MESSY_SHARE))) if clean else 0
    chosen = rng.choice(len(clean), size=min(n, len(clean)), replace=False) if n else []
    field_ids = {s: {f.id for f in get_spec(s).fields()} for s in {r.service for r in clean}}
    styles = (_messy_pounds, _messy_percent_text, _messy_thousands, _messy_nil)
    out = []
    for k, j in enumerate(sorted(int(x) for x in chosen)):
        r = clean[j]
        base = dict(file=r.file, provider=r.provider, service=r.service, kind="messy")
        entry = styles[k % len(styles)](r, field_ids[r.service])
        if entry is not None:
            out.append(Entry(**base, **entry))
    return out


def _messy_pounds(r: ProviderReturn, field_ids: set[str]) -> dict:
    field = next(f for f in ("insurance_annual", "premises_annual", "food_annual") if f in r.values)
    value = float(r.values[field])
    r.values[field] = _pounds(value)
    return dict(
        fault="money typed with £ and thousands commas",
        field=field,
        entered=r.values[field],
        expected_value=value,
    )


def _messy_percent_text(r: ProviderReturn, field_ids: set[str]) -> dict:
    value = float(r.values["staff_turnover_rate"])
    r.values["staff_turnover_rate"] = _percent(value)
    return dict(
        fault="percentage typed as text with a % sign",
        field="staff_turnover_rate",
        entered=r.values["staff_turnover_rate"],
        expected_value=value,
    )


def _messy_thousands(r: ProviderReturn, field_ids: set[str]) -> dict:
    field = next(
        f
        for f in ("contact_hours_per_week", "support_hours_per_week", "registered_beds")
        if f in r.values
    )
    value = float(r.values[field])
    text = f"{value:,.1f}" if field != "registered_beds" else f"{int(value)}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    r.values[field] = text
    return dict(fault="number typed as text", field=field, entered=text, expected_value=value)


#: Optional fields a provider might write "nil" in, in order of preference.
NIL_FIELDS = (
    "marketing_annual",
    "fixtures_fittings_annual",
    "assistive_technology_annual",
    "vehicle_costs_annual",
    "other_head_office_annual",
)


def _messy_nil(r: ProviderReturn, field_ids: set[str]) -> dict | None:
    field = next((f for f in NIL_FIELDS if f not in r.values and f in field_ids), None)
    if field is None:
        return None
    r.values[field] = "nil"
    return dict(fault="a zero typed as 'nil'", field=field, entered="nil", expected_value=0.0)
