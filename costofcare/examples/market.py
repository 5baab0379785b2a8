"""A seeded synthetic market of care providers: what each one would put in its cost return.

:func:`generate_market` draws, for a fictional council ("Anytown"), a set of home care
branches, care homes and supported living services and works out every figure of their
returns as the templates ask for it: volumes, a staffing table by role (pay, employer NI and
pension worked out per worker from the dated parameters), annual cost lines and a return on
operations. It also draws the council's current rates and commissioned volumes. No file is
written here (see :mod:`costofcare.examples.write`); faults are added by
:mod:`costofcare.examples.faults`.

The distributions are anchored on published figures (the numbers are market assumptions of
the example, not legal figures; the legal ones come from :func:`costofcare.parameters.load`):

* care worker pay at or a little above the wage floor in force at the start of the period
  (the National Living Wage), with about one provider in five paying the Real Living Wage;
* home care travel time of about 10-20 minutes per contact hour, as in published Annex B
  reports and the Homecare Association's minimum price model;
* home care business costs of about £4-7 per contact hour (the Homecare Association's
  2020-21 build-up has £5.20 for running the business at a price of £20.69);
* care home non-staffing lines per resident week anchored on the medians of a published
  2022 Fair Cost of Care Annex B (Brighton and Hove, 65+ care homes), raised by about 12% to
  the 2024-25 period; care hours per resident week chosen so that a standard residential
  home costs about £800-950 a week and a nursing home about £1,000-1,200, with staffing about
  55-65% of the cost.

The anchors, shares and ranges of each service are data, in ``examples/data/market.toml``
(read by :func:`assumptions`). One recipe, :func:`_draw_return`, draws every return in the
same steps (the service's week, pay, staffing table, cost lines, fields); each service's
week is a small class holding that service's own steps.

The same seed always gives the same market.

Example
-------
>>> from costofcare.examples import generate_market
>>> market = generate_market(seed=7, n_home_care=3, n_care_homes=2, n_supported_living=1)
>>> len(market.returns)
6
"""

from __future__ import annotations

import abc
import datetime as dt
import functools
import math
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..costs.carecategory import HOME_TYPE_CATEGORY
from ..costs.oncosts import employer_ni_annual, employer_pension_annual
from ..money import WEEKS_PER_YEAR
from ..parameters.statutory import StatutoryFigures
from ..templates.spec import get_spec

BELOW_TRIGGER_OPT_IN_SHARE = 0.3
"""Workers earning under the auto-enrolment trigger opt in at this share of their role's
opt-in rate (a market assumption of the example, not a legal figure)."""

COUNCIL = "Anytown Council"
"""The fictional council of the example market."""

LOCALITIES = ("North", "South", "East", "West", "Central")

DEFAULT_PERIOD_START = dt.date(2024, 4, 1)
"""Returns describe the last complete financial year before the 2026-27 fee round."""

RATES_EFFECTIVE_FROM = dt.date(2025, 4, 7)
"""When the council's current (2025-26) rates took effect."""

RATE_UNITS = {
    "home_care": "GBP/contact_hour",
    "care_home": "GBP/resident_week",
    "supported_living": "GBP/support_hour",
}

_NAME_FIRST = (
    "Oakfield",
    "Willow",
    "Beacon",
    "Meadow",
    "Harbour",
    "Kingsley",
    "Ashdown",
    "Bramble",
    "Cedar",
    "Elmwood",
    "Fernhill",
    "Greystone",
    "Hawthorn",
    "Ivybridge",
    "Juniper",
    "Larkspur",
    "Maple",
    "Northgate",
    "Orchard",
    "Primrose",
    "Quayside",
    "Riverside",
    "Silverbirch",
    "Thornbury",
    "Upton",
    "Valley",
    "Westbrook",
    "Yew Tree",
    "Abbey",
    "Bluebell",
    "Castle",
    "Dovecote",
    "Evergreen",
    "Foxglove",
    "Greenacre",
    "Heather",
    "Kestrel",
    "Linden",
    "Millbrook",
    "Nightingale",
    "Parkside",
    "Rosewood",
    "Sandpiper",
    "Tamar",
    "Unity",
    "Victoria",
    "Wren",
    "Ashcroft",
    "Birchwood",
    "Clover",
)
_NAME_SECOND = {
    "home_care": ("Home Care", "Care at Home", "Homecare", "Care Services", "Community Care"),
    "care_home": ("House", "Lodge", "Court", "Manor", "Grange"),
    "supported_living": ("Supported Living", "Support Services", "Living Support", "Pathways"),
}
_LEGAL_SUFFIX = ("Ltd", "Limited", "Care Ltd", "Group Ltd", "(Anytown) Ltd")


@dataclass
class ProviderReturn:
    """One return of the example market: the figures a provider enters in its template.

    Attributes
    ----------
    file
        File name under ``returns/`` (``.xlsx`` for a template; other names for faults).
    service
        ``"home_care"``, ``"care_home"`` or ``"supported_living"``.
    provider
        Provider (legal entity) name, as entered in ``provider_name``.
    values
        Single-value fields: field id -> value as the provider enters it (a number, a date,
        text, or text that stands for a number such as ``"£1,234.50"``).
    tables
        Table id -> DataFrame whose columns are the table's column ids.
    form
        How the file is made: ``"template"`` (the real template filled in), ``"pasted"``
        (values and labels pasted into a blank workbook), ``"corrupt"`` (a truncated
        template) or ``"wrong_type"`` (not a spreadsheet at all).
    """

    file: str
    service: str
    provider: str
    values: dict[str, object]
    tables: dict[str, pd.DataFrame]
    form: str = "template"


@dataclass(frozen=True)
class Entry:
    """A deliberate fault or messy entry in one return (a row of ``MANIFEST.csv``).

    ``kind`` is ``"fault"`` (ingest should report ``expected_code``) or ``"messy"`` (typed
    oddly but readable: ingest should read ``expected_value`` without an error).
    """

    file: str
    provider: str
    service: str
    kind: str
    fault: str
    field: str = ""
    table: str = ""
    row: int = 0
    entered: str = ""
    expected_value: float | None = None
    expected_code: str = ""


MANIFEST_COLUMNS = (
    "file",
    "provider",
    "service",
    "kind",
    "fault",
    "field",
    "table",
    "row",
    "entered",
    "expected_value",
    "expected_code",
)


@dataclass
class ExampleMarket:
    """A generated market: returns, the council's rates and volumes, and what was spoiled.

    Attributes
    ----------
    seed, period_start, period_end
        What it was generated from; the returns describe ``period_start`` to ``period_end``.
    returns
        One :class:`ProviderReturn` per file, in file order.
    current_rates
        ``provider, service, current_rate, unit, rate_basis, effective_from``.
    volumes
        Commissioned volumes: ``provider, service, volume_per_week, volume_unit``.
    truth
        The clean figures before any fault: one row per provider and service with
        ``annual_cost`` (including the return on operations), ``units_per_year``,
        ``cost_per_unit``, ``staffing_cost_per_unit``, ``staffing_share`` and
        ``care_worker_rate_per_hour``.
    entries
        Deliberate faults and messy entries (see :class:`Entry`).
    """

    seed: int
    period_start: dt.date
    period_end: dt.date
    returns: list[ProviderReturn]
    current_rates: pd.DataFrame
    volumes: pd.DataFrame
    truth: pd.DataFrame
    entries: list[Entry] = field(default_factory=list)

    def manifest(self) -> pd.DataFrame:
        """Faults and messy entries as a table in :data:`MANIFEST_COLUMNS` order."""
        rows = [{c: getattr(e, c) for c in MANIFEST_COLUMNS} for e in self.entries]
        return pd.DataFrame(rows, columns=list(MANIFEST_COLUMNS))

    def summary(self) -> pd.DataFrame:
        """Providers, files and clean median cost per unit by service."""
        t = self.truth
        out = t.groupby("service", sort=False).agg(
            providers=("provider", "count"),
            median_cost_per_unit=("cost_per_unit", "median"),
            median_staffing_share=("staffing_share", "median"),
        )
        files = pd.Series([r.service for r in self.returns]).value_counts()
        out.insert(1, "files", files.reindex(out.index).fillna(0).astype(int))
        faults = pd.Series([e.service for e in self.entries if e.kind == "fault"])
        out["faulty_files"] = faults.value_counts().reindex(out.index).fillna(0).astype(int)
        return out.round(3)

    def _repr_html_(self) -> str:
        head = (
            f"<p><b>Example market</b> (seed {self.seed}): {len(self.returns)} return files "
            f"for {self.period_start:%d %b %Y} to {self.period_end:%d %b %Y}</p>"
        )
        return head + self.summary()._repr_html_()

    def __repr__(self) -> str:
        return (
            f"ExampleMarket(seed={self.seed}, returns={len(self.returns)}, "
            f"entries={len(self.entries)})"
        )


@dataclass(frozen=True)
class Figures:
    """Legal figures in force for the period, taken from the dated parameters: the wage
    floors and mileage rate the market is drawn around, and the statutory on-cost figures
    (:class:`~costofcare.parameters.StatutoryFigures`) its staffing tables are worked with."""

    wage_floor_per_hour: float
    real_living_wage_per_hour: float
    mileage_rate_per_mile: float
    statutory: StatutoryFigures

    @property
    def holiday_weeks(self) -> float:
        """Statutory paid holiday, weeks a year."""
        return self.statutory.holiday_weeks

    @classmethod
    def for_period(cls, period_start: dt.date, params=None) -> Figures:
        """Look the figures up on the first day of the period (tax-year figures on the first
        6 April in the period, wage floors on the first day)."""
        from ..parameters import load

        p = params if params is not None else load()
        tax_day = dt.date(period_start.year, 4, 6)
        if tax_day < period_start:
            tax_day = dt.date(period_start.year + 1, 4, 6)
        return cls(
            wage_floor_per_hour=p.value("national_living_wage_hourly", on=period_start),
            real_living_wage_per_hour=p.value("real_living_wage_uk_hourly", on=period_start),
            mileage_rate_per_mile=p.value("mileage_rate_per_mile", on=tax_day),
            statutory=StatutoryFigures.in_force(p, tax_day),
        )


# ------------------------------------------------------------------- market assumptions

ASSUMPTIONS_FILE = Path(__file__).parent / "data" / "market.toml"
"""The example's market assumptions by service (anchors, ranges and shares, with sources)."""

EXTRA_HOLIDAY_WEEKS = 0.4
"""Holiday given on top of the statutory minimum by the providers that give more: two days
of a five-day week (a market assumption of the example)."""


@dataclass(frozen=True)
class ServiceAssumptions:
    """The market assumptions of the example for one service, read from
    :data:`ASSUMPTIONS_FILE` (its header describes each key). Ranges are ``(low, high)``."""

    real_living_wage_share: float
    enhancement_per_hour: tuple[float, float]
    pension_rates: tuple[float, ...]
    standard_holiday_share: float
    training_hours_per_worker: tuple[float, float]
    supervision_hours_per_worker: tuple[float, float]
    cost_scale_sigma: float
    staff_turnover_rate: tuple[float, float]
    vacancy_rate: tuple[float, float]
    lines_per_unit: dict[str, float]
    zero_share: dict[str, float]
    other_costs: tuple[tuple[str, str, float], ...]


@functools.cache
def assumptions(service: str) -> ServiceAssumptions:
    """The market assumptions of the example for ``service``, in file order.

    Example
    -------
    >>> assumptions("care_home").lines_per_unit["food_annual"]
    49.0
    """
    with ASSUMPTIONS_FILE.open("rb") as fh:
        table = dict(tomllib.load(fh)[service])
    other = tuple(
        (o["description"], o["cost_group"], float(o["per_unit"])) for o in table["other_costs"]
    )
    table["other_costs"] = other
    for key, value in table.items():
        if isinstance(value, list):
            table[key] = tuple(value)
    return ServiceAssumptions(**table)


# ----------------------------------------------------------------------------- helpers


def _money(x: float) -> float:
    """Round to pence, halves away from zero (as a provider's spreadsheet shows them)."""
    return float(math.floor(abs(x) * 100 + 0.5) / 100 * (1 if x >= 0 else -1))


def _whole(x: float) -> float:
    """Round an annual £ figure to whole pounds (how most returns are filled in)."""
    return float(math.floor(x + 0.5))


def _lognormal(rng: np.random.Generator, median: float, sigma: float) -> float:
    return float(median * math.exp(rng.normal(0.0, sigma)))


def _slug(name: str) -> str:
    keep = "".join(ch.lower() if ch.isalnum() else "-" for ch in name)
    while "--" in keep:
        keep = keep.replace("--", "-")
    return keep.strip("-")


# ----------------------------------------------------------------------------- staffing


@dataclass
class _Role:
    role: str
    description: str
    headcount: int
    contracted_hours: float
    paid_hours_per_week: float  # whole row
    rate: float
    enhancement: float = 0.0
    pension_rate: float = 0.03
    opt_in: float = 0.85
    agency_hours_per_week: float = 0.0
    agency_rate: float = 0.0
    training_hours: float = 24.0
    supervision_hours: float = 10.0
    sick_days: float = 7.0
    enhanced_sick_pay: bool = False
    extra_pay_annual: float = 0.0  # pay not by the hour (sleep-in allowances)


@dataclass(frozen=True)
class _PayTerms:
    """A provider's terms for its front-line staff (besides the hourly rate)."""

    pension_rate: float
    holiday_weeks: float
    training_hours: float
    supervision_hours: float


def _pay_terms(rng: np.random.Generator, f: Figures, a: ServiceAssumptions) -> _PayTerms:
    """Draw the employer pension rate, holiday, and training and supervision hours a year."""
    pension_rate = float(rng.choice(a.pension_rates))
    if rng.random() < a.standard_holiday_share:
        holiday_weeks = f.holiday_weeks
    else:
        holiday_weeks = f.holiday_weeks + EXTRA_HOLIDAY_WEEKS
    training = float(rng.uniform(*a.training_hours_per_worker))
    supervision = float(rng.uniform(*a.supervision_hours_per_worker))
    return _PayTerms(pension_rate, holiday_weeks, training, supervision)


def _front_line_rate(rng: np.random.Generator, f: Figures, rlw_share: float) -> float:
    if rng.random() < rlw_share:
        return _money(f.real_living_wage_per_hour + float(rng.choice([0.0, 0.0, 0.05, 0.10])))
    premium = abs(rng.normal(0.025, 0.025))
    return _money(f.wage_floor_per_hour * (1 + premium))


def _staff_row(role: _Role, f: Figures, holiday_weeks: float) -> dict[str, object]:
    """One row of the staffing table, with gross pay, NI and pension worked out per worker."""
    worked_weeks = WEEKS_PER_YEAR - holiday_weeks
    hourly_pay_annual = role.paid_hours_per_week * WEEKS_PER_YEAR * (role.rate + role.enhancement)
    holiday_pay = hourly_pay_annual * holiday_weeks / worked_weeks
    sick_share = role.sick_days / (5 * worked_weeks) if role.enhanced_sick_pay else 0.0
    gross = (hourly_pay_annual + role.extra_pay_annual) * (1 + sick_share) + holiday_pay
    n = max(role.headcount, 1)
    per_worker = gross / n
    s = f.statutory
    ni = n * float(
        employer_ni_annual(per_worker, s.employer_ni_rate, s.employer_ni_threshold_annual)
    )
    # the role's own rate; workers below the trigger opt in at 30% of the role's opt-in share
    pension = n * float(
        employer_pension_annual(
            per_worker,
            role.pension_rate,
            s.pension_lower_annual,
            s.pension_upper_annual,
            s.pension_trigger_annual,
            opt_out=1.0 - role.opt_in,
            opt_in_below_trigger=role.opt_in * BELOW_TRIGGER_OPT_IN_SHARE,
        )
    )
    agency_annual = role.agency_hours_per_week * WEEKS_PER_YEAR * role.agency_rate
    return {
        "role": role.role,
        "role_description": role.description,
        "headcount": role.headcount,
        "contracted_hours_per_week": round(role.contracted_hours, 1),
        "paid_hours_per_week": round(role.paid_hours_per_week, 1),
        "basic_rate_per_hour": _money(role.rate),
        "enhancements_per_hour": _money(role.enhancement) if role.enhancement else None,
        "annual_gross_pay": _whole(gross),
        "employer_ni_annual": _whole(ni),
        "employer_pension_annual": _whole(pension),
        "agency_spend_annual": _whole(agency_annual) if agency_annual else None,
        "agency_hours_per_week": round(role.agency_hours_per_week, 1)
        if role.agency_hours_per_week
        else None,
        "training_hours_per_worker_per_year": round(role.training_hours, 0),
        "supervision_hours_per_worker_per_year": round(role.supervision_hours, 0),
        "sick_pay_policy": "Enhanced (company) sick pay"
        if role.enhanced_sick_pay
        else "Statutory sick pay only",
        "sick_days_per_worker_per_year": round(role.sick_days, 1),
        "employer_pension_rate": role.pension_rate,
        "pension_opt_in_share": round(role.opt_in, 2),
    }


def _staff_table(
    service: str, roles: list[_Role], f: Figures, holiday_weeks: float
) -> pd.DataFrame:
    spec = get_spec(service)
    columns = [c.id for c in spec.table("staff_roles").columns]
    rows = [_staff_row(r, f, holiday_weeks) for r in roles if r.headcount > 0]
    return pd.DataFrame(rows, columns=columns)


FRONT_LINE_COST_LINES = ("Care worker costs", "Support worker costs")
"""Staffing-table lines whose rows the front-line headcount and paid hours add up."""


def _front_line_totals(service: str, staff: pd.DataFrame) -> tuple[int, float]:
    """Headcount and paid hours a week of the rows costed to the front-line line, as the
    return's single figures must match them."""
    role = get_spec(service).table("staff_roles").column("role")
    front = staff["role"].map(lambda r: role.cost_line_for(r) in FRONT_LINE_COST_LINES)
    rows = staff[front]
    return int(rows["headcount"].sum()), round(float(rows["paid_hours_per_week"].sum()), 1)


def _staffing_annual(table: pd.DataFrame) -> float:
    cols = [
        "annual_gross_pay",
        "employer_ni_annual",
        "employer_pension_annual",
        "agency_spend_annual",
    ]
    return float(table[cols].apply(pd.to_numeric, errors="coerce").fillna(0).to_numpy().sum())


_HOURS_BANDS = (("under 16 hours", 10.0), ("16 to 30 hours", 23.0), ("over 30 hours", 38.0))
"""The front-line hours bands of the staffing table, with a typical worker's hours a week."""


def _banded_workers(
    rng: np.random.Generator,
    paid_hours_per_week: float,
    role: str,
    rate: float,
    enhancement: float,
    terms: _PayTerms,
    agency_share: float,
) -> list[_Role]:
    """Front-line workers split into hours bands (the template asks for a row per band).

    Agency staff, ``agency_share`` of the paid hours at twice the rate, are entered on the
    last band's row.
    """
    shares = rng.dirichlet((3.0, 4.0, 3.0))
    avg_hours = float(sum(s * h for s, (_, h) in zip(shares, _HOURS_BANDS, strict=True)))
    workers_total = paid_hours_per_week / avg_hours
    out = []
    for share, (label, hours) in zip(shares, _HOURS_BANDS, strict=True):
        headcount = max(1, int(round(workers_total * share)))
        worker_hours = hours * rng.uniform(0.92, 1.08)
        out.append(
            _Role(
                role,
                f"{role.lower()}s, {label}",
                headcount,
                0.0 if label.startswith("under") and rng.random() < 0.5 else round(hours, 0),
                headcount * worker_hours,
                rate,
                enhancement,
                terms.pension_rate,
                float(rng.uniform(0.7, 0.92)),
                training_hours=terms.training_hours,
                supervision_hours=terms.supervision_hours,
                sick_days=float(rng.uniform(5, 11)),
            )
        )
    # scale the rows' hours so they add up to the total exactly
    total = sum(r.paid_hours_per_week for r in out)
    for r in out:
        r.paid_hours_per_week *= paid_hours_per_week / total
    out[-1].agency_hours_per_week = paid_hours_per_week * agency_share
    out[-1].agency_rate = _money(rate * 2.0)
    return out


@dataclass(frozen=True)
class _Shift:
    """A front-line role staffed by the hour on the provider's pay terms (senior workers,
    waking night staff): one worker per ``contracted_hours`` of paid hours a week."""

    role: str
    description: str
    contracted_hours: float
    opt_in: float = 0.9
    extra_training_hours: float = 0.0


def _shift_role(
    shift: _Shift, paid_hours_per_week: float, rate: float, terms: _PayTerms, enhancement=0.0
) -> _Role:
    return _Role(
        shift.role,
        shift.description,
        max(1, round(paid_hours_per_week / shift.contracted_hours)),
        shift.contracted_hours,
        paid_hours_per_week,
        rate,
        enhancement,
        terms.pension_rate,
        shift.opt_in,
        training_hours=terms.training_hours + shift.extra_training_hours,
        supervision_hours=terms.supervision_hours,
    )


def _office_role(
    rng: np.random.Generator,
    role: str,
    description: str,
    count: int,
    rate: float,
    hours: float = 37.5,
) -> _Role:
    """A salaried role with its own pension, opt-in, training and sickness drawn."""
    return _Role(
        role,
        description,
        count,
        hours,
        count * hours,
        _money(rate),
        0.0,
        float(rng.choice([0.03, 0.03, 0.04, 0.05])),
        float(rng.uniform(0.85, 1.0)),
        training_hours=float(rng.uniform(12, 30)),
        supervision_hours=float(rng.uniform(6, 12)),
        sick_days=float(rng.uniform(2, 7)),
        enhanced_sick_pay=bool(rng.random() < 0.5),
    )


def _staffed_hours_role(
    rng: np.random.Generator,
    role: str,
    description: str,
    paid_hours_per_week: float,
    rate: float,
    contracted_hours: float,
) -> _Role:
    """An :func:`_office_role` staffed to cover ``paid_hours_per_week`` (nurses, cooks,
    domestic staff): one worker per contracted week of hours."""
    headcount = max(1, round(paid_hours_per_week / contracted_hours))
    r = _office_role(rng, role, description, headcount, rate, contracted_hours)
    r.paid_hours_per_week = paid_hours_per_week
    return r


# ------------------------------------------------------------------------- cost lines


@dataclass(frozen=True)
class _Costs:
    """A provider's non-staffing cost lines, its other costs table and its annual costs
    before the return on operations (staffing table included)."""

    lines: dict[str, float]
    other: pd.DataFrame
    annual: float


def _lines(
    rng: np.random.Generator,
    anchors: dict[str, float],
    units_per_year: float,
    scale: float,
    zero_share: dict[str, float] | None = None,
) -> dict[str, float]:
    """Annual £ cost lines: anchor £ per unit x provider scale x line noise x units."""
    out = {}
    for line, per_unit in anchors.items():
        if zero_share and rng.random() < zero_share.get(line, 0.0):
            continue
        out[line] = _whole(per_unit * scale * math.exp(rng.normal(0, 0.25)) * units_per_year)
    return out


def _other_costs(
    rng: np.random.Generator,
    choices: Sequence[tuple[str, str, float]],
    units_per_year: float,
) -> pd.DataFrame:
    n = int(rng.integers(0, 3))
    picks = rng.choice(len(choices), size=n, replace=False) if n else []
    rows = []
    for i in picks:
        description, group, per_unit = choices[int(i)]
        rows.append(
            {
                "description": description,
                "annual_cost": _whole(per_unit * math.exp(rng.normal(0, 0.3)) * units_per_year),
                "cost_group": group,
            }
        )
    return pd.DataFrame(rows, columns=["description", "annual_cost", "cost_group"])


def _running_costs(
    rng: np.random.Generator,
    a: ServiceAssumptions,
    units_per_year: float,
    staff: pd.DataFrame,
    size_factor: float,
    extra_lines: Callable[[], dict[str, float]],
) -> _Costs:
    """Draw the cost lines around the service's anchors (scaled for the provider's size),
    the service's own ``extra_lines`` after them, then the other costs table."""
    scale = _lognormal(rng, 1.0, a.cost_scale_sigma) * size_factor
    lines = _lines(rng, a.lines_per_unit, units_per_year, scale, a.zero_share)
    lines.update(extra_lines())
    other = _other_costs(rng, a.other_costs, units_per_year)
    annual = _staffing_annual(staff) + sum(lines.values()) + other["annual_cost"].sum()
    return _Costs(lines, other, annual)


# ---------------------------------------------------------------------- return fields

_FIRST_NAMES = (
    "Sam",
    "Alex",
    "Priya",
    "Jordan",
    "Chris",
    "Fatima",
    "Morgan",
    "Jamie",
    "Ravi",
    "Helen",
    "Tom",
    "Aisha",
)
_LAST_NAMES = (
    "Patel",
    "Jones",
    "Smith",
    "Okafor",
    "Williams",
    "Brown",
    "Khan",
    "Taylor",
    "Davies",
    "Evans",
    "Wilson",
    "Hughes",
)


def _details(
    rng: np.random.Generator,
    name: str,
    service_name: str,
    serial: int,
    period_start: dt.date,
    period_end: dt.date,
) -> dict[str, object]:
    """Provider sheet and declaration values."""
    contact = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
    signer = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
    outward = f"AT{1 + serial % 9}"
    inward = f"{serial % 10}{chr(65 + serial % 26)}{chr(65 + (serial * 7) % 26)}"
    return {
        "provider_name": name,
        "service_name": service_name,
        "regulator": "CQC (England)",
        "registration_number": f"1-{100000000 + serial * 7919:09d}",
        "locality": str(rng.choice(LOCALITIES)),
        "postcode": f"{outward} {inward}",
        "organisation_type": str(
            rng.choice(
                ["Private company or partnership"] * 6
                + ["Charity or not-for-profit", "Community interest company"]
            )
        ),
        "contact_name": contact,
        "contact_email": f"finance@{_slug(name)[:30]}.example",
        "contact_phone": f"01632 960{serial % 1000:03d}",
        "period_start": period_start,
        "period_end": period_end,
        "figures_basis": str(
            rng.choice(["Actual: management accounts"] * 3 + ["Actual: audited accounts"])
        ),
        "declaration_confirmed": "Yes",
        "declaration_name": signer,
        "declaration_position": str(
            rng.choice(["Director", "Finance Director", "Owner", "Registered Manager"])
        ),
        "declaration_date": period_end + dt.timedelta(days=int(rng.integers(120, 200))),
    }


def _margin_fields(rng: np.random.Generator, costs_annual: float) -> dict[str, object]:
    margin = float(np.clip(rng.normal(0.035, 0.025), 0.0, 0.09))
    return {
        "return_on_operations_annual": _whole(costs_annual * margin),
        "return_on_operations_rate": float(rng.choice([0.03, 0.04, 0.05, 0.05, 0.06, 0.08])),
        "return_justification": str(
            rng.choice(
                [
                    "Covers the risk of running the service and reinvestment in staff.",
                    "Needed to fund investment in digital care records and vehicles.",
                    "In line with the margin lenders expect for a care business.",
                ]
            )
        ),
    }


def _workforce_and_cost_fields(
    rng: np.random.Generator, a: ServiceAssumptions, terms: _PayTerms, costs: _Costs
) -> dict[str, object]:
    """The fields every template ends with: holiday, turnover and vacancies, the cost lines
    and the return on operations."""
    return {
        "holiday_weeks_per_year": terms.holiday_weeks,
        "staff_turnover_rate": round(float(rng.uniform(*a.staff_turnover_rate)), 2),
        "vacancy_rate": round(float(rng.uniform(*a.vacancy_rate)), 2),
        **costs.lines,
        **_margin_fields(rng, costs.annual),
    }


# ------------------------------------------------------------------- drawing a return


@dataclass(frozen=True)
class _Provider:
    """Who a return is from and the period it covers."""

    name: str
    serial: int  # 1, 2, ... across the market: registration number, postcode, phone
    period_start: dt.date
    period_end: dt.date

    def details(self, rng: np.random.Generator, service_name: str) -> dict[str, object]:
        """The provider sheet and declaration (see :func:`_details`)."""
        return _details(
            rng, self.name, service_name, self.serial, self.period_start, self.period_end
        )


@dataclass(frozen=True)
class _Drawn:
    """One provider's return as drawn, with its units a year and front-line rate per hour."""

    values: dict[str, object]
    tables: dict[str, pd.DataFrame]
    units_per_year: float
    rate_per_hour: float


class _Week(abc.ABC):
    """A service's typical week (home care rounds, a care home's beds, supported living
    schemes) with the service's own steps of drawing a return. :func:`_draw_return` calls
    the steps in a fixed order (the order of the draws is part of the market a seed gives);
    a subclass per service is a frozen dataclass of the week's figures."""

    service: ClassVar[str]
    units_field: ClassVar[str]
    """The field holding the units of the service's rate a week."""

    def __init_subclass__(cls, *, service: str, units_field: str, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls.service, cls.units_field = service, units_field

    @classmethod
    @abc.abstractmethod
    def draw(cls, rng: np.random.Generator, f: Figures) -> _Week:
        """Draw the week."""

    @property
    def units_per_week(self) -> float:
        """Units of the service's rate a week (contact hours, residents, support hours)."""
        return getattr(self, self.units_field)

    @property
    def cost_size_factor(self) -> float:
        """How the provider's size moves its cost level around the anchors (not at all)."""
        return 1.0

    def pay_extras(self, rng: np.random.Generator, rate: float) -> Any:
        """Front-line pay besides the hourly rate: an enhancement per hour."""
        return _enhancement_per_hour(rng, self.service)

    @abc.abstractmethod
    def roles(
        self, rng: np.random.Generator, f: Figures, rate: float, extras: Any, terms: _PayTerms
    ) -> list[_Role]:
        """The roles of the staffing table."""

    def extra_lines(self, rng: np.random.Generator, units_per_year: float) -> dict[str, float]:
        """Cost lines drawn after the anchored ones (none)."""
        return {}

    @abc.abstractmethod
    def fields(
        self,
        rng: np.random.Generator,
        provider: _Provider,
        extras: Any,
        staff: pd.DataFrame,
        cost_per_unit: float,
    ) -> dict[str, object]:
        """The provider sheet and the service's own fields, before the workforce and cost
        fields."""

    def closing_fields(
        self, rng: np.random.Generator, provider: _Provider, values: dict[str, object]
    ) -> dict[str, object]:
        """Fields entered after the return on operations (none)."""
        return {}


def _draw_return(
    week_type: type[_Week], rng: np.random.Generator, provider: _Provider, f: Figures
) -> _Drawn:
    """Draw one provider's return: its week, pay, staffing table, cost lines and fields."""
    a = assumptions(week_type.service)
    week = week_type.draw(rng, f)
    rate = _front_line_rate(rng, f, a.real_living_wage_share)
    extras = week.pay_extras(rng, rate)
    terms = _pay_terms(rng, f, a)
    roles = week.roles(rng, f, rate, extras, terms)
    staff = _staff_table(week.service, roles, f, terms.holiday_weeks)
    units = week.units_per_week * WEEKS_PER_YEAR
    costs = _running_costs(
        rng, a, units, staff, week.cost_size_factor, lambda: week.extra_lines(rng, units)
    )
    values = week.fields(rng, provider, extras, staff, costs.annual / units)
    values |= _workforce_and_cost_fields(rng, a, terms, costs)
    closing = week.closing_fields(rng, provider, values)
    values = {k: v for k, v in values.items() if k not in closing} | closing  # entered last
    values = {k: v for k, v in values.items() if v is not None}  # blank where not applicable
    return _Drawn(values, {"staff_roles": staff, "other_costs": costs.other}, units, rate)


def _enhancement_per_hour(rng: np.random.Generator, service: str) -> float:
    """Pay on top of the hourly rate for unsocial hours, averaged over the hours."""
    return _money(rng.uniform(*assumptions(service).enhancement_per_hour))


# -------------------------------------------------------------------------- home care

_VISIT_MINUTES = np.array([15.0, 30.0, 45.0, 60.0, 90.0])
"""Visit lengths of the template's visit bands (over 60 minutes taken as 90)."""


@dataclass(frozen=True)
class _Rounds(_Week, service="home_care", units_field="contact_hours_per_week"):
    """A home care branch's visits and travel in a typical week."""

    contact_hours_per_week: float
    visit_mix: np.ndarray  # share of visits in each :data:`_VISIT_MINUTES` band
    average_visit_minutes: float
    visits_per_week: float
    travel_minutes_per_contact_hour: float
    travel_minutes_per_visit: float
    miles_per_visit: float
    mileage_paid_per_mile: float
    paid_hours_per_week: float  # contact, travel and other paid time

    @property
    def cost_size_factor(self) -> float:
        """Larger branches spread their business costs over more hours."""
        return (self.contact_hours_per_week / 900) ** -0.12

    @classmethod
    def draw(cls, rng, f) -> _Rounds:
        """Draw the branch's contact hours, visit lengths, travel and mileage rate."""
        contact = round(float(np.clip(_lognormal(rng, 900, 0.6), 150, 6000)), 1)
        mix = rng.dirichlet(np.array([0.04, 0.50, 0.28, 0.15, 0.03]) * 40)
        avg_visit_minutes = float((mix * _VISIT_MINUTES).sum())
        travel_per_contact_hour = float(np.clip(rng.normal(15, 3), 8, 25))
        travel_per_visit = travel_per_contact_hour * avg_visit_minutes / 60
        miles_per_visit = travel_per_visit * float(rng.uniform(0.25, 0.55))
        mileage_rate = float(rng.choice([0.25, 0.30, 0.30, 0.35, 0.40, f.mileage_rate_per_mile]))
        non_contact_share = float(rng.uniform(0.03, 0.07))
        return cls(
            contact_hours_per_week=contact,
            visit_mix=mix,
            average_visit_minutes=avg_visit_minutes,
            visits_per_week=contact * 60 / avg_visit_minutes,
            travel_minutes_per_contact_hour=travel_per_contact_hour,
            travel_minutes_per_visit=travel_per_visit,
            miles_per_visit=miles_per_visit,
            mileage_paid_per_mile=min(mileage_rate, f.mileage_rate_per_mile),
            paid_hours_per_week=contact * (1 + travel_per_contact_hour / 60 + non_contact_share),
        )

    def roles(self, rng, f, rate, enhancement, terms) -> list[_Role]:
        """Care workers by hours band, senior care workers and the branch office."""
        contact = self.contact_hours_per_week
        agency_share = float(rng.uniform(0.01, 0.05)) if rng.random() < 0.3 else 0.0
        senior_hours = self.paid_hours_per_week * float(rng.uniform(0.06, 0.12))
        care_hours = self.paid_hours_per_week - senior_hours
        workers = _banded_workers(
            rng, care_hours, "Care worker", rate, enhancement, terms, agency_share
        )
        seniors = _shift_role(
            _SENIOR_CARE_WORKERS, senior_hours, _money(rate * 1.08), terms, enhancement
        )
        care_headcount = sum(w.headcount for w in workers) + seniors.headcount
        supervisors = max(1, round(care_headcount / 30))
        coordinators = max(1, round(contact / 600))
        administrators = 1 + int(contact > 1500)
        manager_rate = _lognormal(rng, 17.5, 0.08)
        office = [
            _office_role(rng, "Registered manager", "registered manager", 1, manager_rate),
            _office_role(
                rng,
                "Field supervisor or team leader",
                "field supervisors",
                supervisors,
                rate * 1.12,
            ),
            _office_role(
                rng, "Care coordinator or scheduler", "care coordinators", coordinators, rate * 1.15
            ),
            _office_role(
                rng,
                "Administration",
                "office administrator",
                administrators,
                f.wage_floor_per_hour * 1.05,
            ),
        ]
        if contact > 2000:
            office.append(_office_role(rng, "Deputy manager", "deputy manager", 1, rate * 1.35))
        return [*workers, seniors, *office]

    def extra_lines(self, rng, units_per_year) -> dict[str, float]:
        """Mileage paid (miles a contact hour x rate x contact hours) and CQC registration."""
        miles_per_contact_hour = self.miles_per_visit * 60 / self.average_visit_minutes
        mileage = miles_per_contact_hour * self.mileage_paid_per_mile * units_per_year
        registration = float(rng.uniform(1500, 4500)) + self.contact_hours_per_week * 1.2
        return {
            "mileage_paid_annual": _whole(mileage),
            "registration_fees_annual": _whole(registration),
        }

    def fields(self, rng, provider, enhancement, staff, cost_per_unit) -> dict[str, object]:
        """The provider sheet, then the branch's visits, care workers and travel."""
        contact = self.contact_hours_per_week
        counts = np.round(self.visits_per_week * self.visit_mix).astype(int)
        front_headcount, front_hours = _front_line_totals("home_care", staff)
        branch = f"{provider.name.split(' ')[0]} {rng.choice(LOCALITIES)} branch"
        return {
            **provider.details(rng, branch),
            "people_supported": int(round(contact / rng.uniform(7, 11))),
            "contact_hours_per_week": contact,
            "contact_hours_council_per_week": round(contact * float(rng.uniform(0.45, 0.9)), 1),
            "visits_per_week_15min": int(counts[0]),
            "visits_per_week_30min": int(counts[1]),
            "visits_per_week_45min": int(counts[2]),
            "visits_per_week_60min": int(counts[3]),
            "visits_per_week_over_60min": int(counts[4]),
            "care_worker_headcount": front_headcount,
            "care_worker_paid_hours_per_week": front_hours,
            "travel_minutes_per_visit": round(self.travel_minutes_per_visit, 1),
            "miles_per_visit": round(self.miles_per_visit, 1),
            "mileage_paid_per_mile": self.mileage_paid_per_mile,
            "travel_time_paid_basis": str(
                rng.choice(
                    ["Paid by the hour of travel"] * 8
                    + ["Included in a rate per visit or per contact hour"] * 2
                )
            ),
            "share_zero_hours_contracts": round(float(rng.uniform(0.2, 0.8)), 2),
        }


_SENIOR_CARE_WORKERS = _Shift(
    "Senior care worker", "senior care workers", 32.0, extra_training_hours=6.0
)


# -------------------------------------------------------------------------- care homes


@dataclass(frozen=True)
class _Home(_Week, service="care_home", units_field="residents"):
    """A care home's beds, residents and the care hours they need."""

    home_type: str
    beds: int
    occupancy: float
    residents: float  # beds x occupancy
    nursing_share: float
    enhanced_share: float  # residents with enhanced needs
    care_hours_per_resident_week: float
    nurse_hours_per_resident_week: float

    @property
    def cost_size_factor(self) -> float:
        """Larger homes spread their running costs over more residents."""
        return (self.beds / 48) ** -0.1

    @classmethod
    def draw(cls, rng, f) -> _Home:
        """Draw the home's type, beds, occupancy and care hours a resident week."""
        home_type = str(rng.choice(_HOME_TYPES))
        beds = int(np.clip(round(rng.normal(48, 16)), 16, 110))
        occupancy = round(float(np.clip(rng.beta(18, 2), 0.72, 0.99)), 3)
        mixed = float(rng.uniform(0.3, 0.6))  # drawn for every home, used for mixed ones
        nursing_share = {"Residential": 0.0, "Nursing": 1.0, "Residential and nursing": mixed}[
            home_type
        ]
        enhanced_share = float(rng.uniform(0.15, 0.5))
        care_hours = float(rng.normal(21.5, 2.0)) * (1 + 0.25 * enhanced_share)
        nurse_hours = nursing_share * float(rng.normal(8.5, 1.0))
        return cls(
            home_type,
            beds,
            occupancy,
            beds * occupancy,
            nursing_share,
            enhanced_share,
            care_hours,
            nurse_hours,
        )

    def roles(self, rng, f, rate, enhancement, terms) -> list[_Role]:
        """Care workers by hours band, senior carers, nurses (if any) and the house staff."""
        care_hours = self.care_hours_per_resident_week * self.residents
        senior_hours = care_hours * float(rng.uniform(0.12, 0.2))
        agency_share = float(rng.uniform(0.01, 0.06)) if rng.random() < 0.4 else 0.0
        roles = _banded_workers(
            rng, care_hours - senior_hours, "Care worker", rate, enhancement, terms, agency_share
        )
        senior_rate = _money(rate * 1.1)
        roles.append(_shift_role(_SENIOR_CARERS, senior_hours, senior_rate, terms, enhancement))
        if self.nurse_hours_per_resident_week > 0:
            roles.append(_care_home_nurses(rng, self))
        return roles + _care_home_house_roles(rng, f, self, rate)

    def fields(self, rng, provider, enhancement, staff, cost_per_week) -> dict[str, object]:
        """The provider sheet, then the home's beds, residents, average fees (about its cost a
        resident week) and tenure."""
        residents = _care_home_residents(rng, self)
        home_name = (
            f"{provider.name.split(' ')[0]} {_NAME_SECOND['care_home'][provider.serial % 5]}"
        )
        details = provider.details(rng, home_name)
        tenure = str(rng.choice(_TENURES))
        return {
            **details,
            "home_type": self.home_type,
            "registered_beds": self.beds,
            "average_occupancy": self.occupancy,
            "single_rooms": int(round(self.beds * rng.uniform(0.8, 1.0))),
            **residents,
            "average_fee_council_per_week": _money(cost_per_week * rng.uniform(0.85, 1.0)),
            "average_fee_self_funded_per_week": _money(cost_per_week * rng.uniform(1.15, 1.45)),
            "tenure": tenure,
        }

    def closing_fields(self, rng, provider, values) -> dict[str, object]:
        """The return on capital asked for, and the rent a year for a rented home or otherwise
        the property's value and valuation date."""
        out: dict[str, object] = {
            "tenure": values["tenure"],  # entered after the return on operations
            "return_on_capital_rate": float(rng.choice([0.06, 0.065, 0.07, 0.08])),
        }
        if values["tenure"] == _RENTED:
            out["rent_annual"] = _whole(self.beds * float(rng.uniform(3200, 4600)))
            return out
        out["property_value"] = _whole(self.beds * float(rng.uniform(45_000, 85_000)) / 1000) * 1000
        out["property_valuation_date"] = dt.date(
            provider.period_start.year - int(rng.integers(0, 4)), int(rng.integers(1, 13)), 1
        )
        return out


_HOME_TYPES = ["Residential"] * 11 + ["Nursing"] * 5 + ["Residential and nursing"] * 4
_RENTED = "Rented or leased from a landlord"
_TENURES = ["Freehold (owned)"] * 6 + [_RENTED] * 3 + ["Long leasehold"]


def _care_home_nurses(rng: np.random.Generator, home: _Home) -> _Role:
    nurse_hours = home.nurse_hours_per_resident_week * home.residents
    nurse_rate = _lognormal(rng, 21.0, 0.06)
    nurse = _staffed_hours_role(rng, "Nurse", "registered nurses", nurse_hours, nurse_rate, 36.0)
    nurse.agency_hours_per_week = nurse_hours * float(rng.uniform(0.0, 0.12))
    nurse.agency_rate = _money(nurse.rate * 2.1)
    return nurse


def _care_home_house_roles(
    rng: np.random.Generator, f: Figures, home: _Home, rate: float
) -> list[_Role]:
    """The manager and the staff who run the house, by hours a resident week."""
    floor = f.wage_floor_per_hour
    house = (
        ("Activities coordinator", "activities", 0.9, rate * 1.04, 30.0),
        ("Reception and administration", "administrator", 0.6, floor * 1.08, 30.0),
        ("Chef or cook", "cooks", 1.8, floor * 1.12, 35.0),
        ("Domestic (cleaning, laundry, kitchen)", "domestic team", 4.5, floor * 1.01, 25.0),
        ("Maintenance and gardening", "handyperson", 0.55, floor * 1.12, 30.0),
    )
    manager_rate = _lognormal(rng, 24.0, 0.08) * (1.1 if home.nursing_share else 1.0)
    roles = [_office_role(rng, "Registered manager", "home manager", 1, manager_rate)]
    for role, description, hours_per_resident, pay, contracted in house:
        hours = hours_per_resident * home.residents
        roles.append(_staffed_hours_role(rng, role, description, hours, pay, contracted))
    if home.beds >= 40 or home.nursing_share:
        roles.append(_office_role(rng, "Deputy manager", "deputy manager", 1, rate * 1.45))
    return roles


_SENIOR_CARERS = _Shift("Senior care worker", "senior carers", 36.0)


def _care_home_residents(rng: np.random.Generator, home: _Home) -> dict[str, int]:
    """Residents by type of care (enhanced or not) and by who pays."""
    n_res = int(round(home.residents))
    nursing_n = int(round(n_res * home.nursing_share))
    residential_n = n_res - nursing_n
    res_enh = int(round(residential_n * home.enhanced_share))
    nur_enh = int(round(nursing_n * home.enhanced_share))
    council = int(round(n_res * rng.uniform(0.45, 0.7)))
    other_council = int(round(n_res * rng.uniform(0.0, 0.08)))
    nhs = int(round(n_res * rng.uniform(0.0, 0.06)))
    return {
        "residents_residential": residential_n - res_enh,
        "residents_residential_enhanced": res_enh,
        "residents_nursing": nursing_n - nur_enh,
        "residents_nursing_enhanced": nur_enh,
        "residents_council_funded": council,
        "residents_other_council_funded": other_council,
        "residents_nhs_funded": nhs,
        "residents_self_funded": max(0, n_res - council - other_council - nhs),
    }


# ------------------------------------------------------------------- supported living


@dataclass(frozen=True)
class _Schemes(_Week, service="supported_living", units_field="support_hours_per_week"):
    """A supported living service's people, schemes and night cover in a typical week."""

    support_hours_per_week: float
    people_supported: int
    schemes: int
    sleep_ins_per_week: float
    sleep_in_hours_per_night: float
    sleep_in_paid_hourly: bool
    waking_nights_per_week: float
    waking_night_hours_per_night: float

    @classmethod
    def draw(cls, rng, f) -> _Schemes:
        """Draw the support hours, people supported, schemes and night cover."""
        support = round(float(np.clip(_lognormal(rng, 1400, 0.55), 300, 6000)), 1)
        people = max(2, int(round(support / rng.uniform(25, 45))))
        schemes = max(1, int(round(people / rng.uniform(3, 6))))
        sleep_ins = round(schemes * 7 * float(rng.uniform(0.6, 1.0)), 1)
        sleep_in_hours = float(rng.choice([8.0, 9.0, 10.0]))
        paid_hourly = bool(rng.random() < 0.6)
        waking = round(schemes * 7 * float(rng.uniform(0.0, 0.35)), 1)
        waking_hours = float(rng.choice([10.0, 10.0, 11.0]))
        return cls(
            support, people, schemes, sleep_ins, sleep_in_hours, paid_hourly, waking, waking_hours
        )

    def pay_extras(self, rng, rate) -> _NightPay:
        """A sleep-in paid by the hour at the day rate or as a flat allowance; a waking night
        at the day rate plus a premium."""
        if self.sleep_in_paid_hourly:
            sleep_in = _money(rate * self.sleep_in_hours_per_night)
        else:
            sleep_in = _money(rng.uniform(85, 115))
        return _NightPay(sleep_in, _money(rate + float(rng.uniform(0.25, 0.75))))

    def roles(self, rng, f, rate, nights, terms) -> list[_Role]:
        """Support workers by hours band, seniors, waking night staff (if any) and the office."""
        day_paid = self.support_hours_per_week * (1 + float(rng.uniform(0.03, 0.07)))
        senior_hours = day_paid * float(rng.uniform(0.08, 0.14))
        enhancement = _enhancement_per_hour(rng, "supported_living")
        agency_share = float(rng.uniform(0.01, 0.04)) if rng.random() < 0.3 else 0.0
        roles = _banded_workers(
            rng, day_paid - senior_hours, "Support worker", rate, enhancement, terms, agency_share
        )
        # sleep-in allowances are paid to the longest-hours band (they cover the nights)
        sleep_in_annual = (
            self.sleep_ins_per_week * nights.sleep_in_payment_per_night * WEEKS_PER_YEAR
        )
        roles[-1].extra_pay_annual = sleep_in_annual
        roles.append(_shift_role(_SENIOR_SUPPORT_WORKERS, senior_hours, _money(rate * 1.08), terms))
        if self.waking_nights_per_week:
            waking_hours = self.waking_nights_per_week * self.waking_night_hours_per_night
            waking_rate = nights.waking_night_rate_per_hour
            roles.append(_shift_role(_WAKING_NIGHT_STAFF, waking_hours, waking_rate, terms))
        return roles + _supported_living_office(rng, f, self, rate)

    def extra_lines(self, rng, units_per_year) -> dict[str, float]:
        """Mileage paid (a share of a pound a support hour) and CQC registration."""
        return {
            "mileage_paid_annual": _whole(units_per_year * float(rng.uniform(0.05, 0.2))),
            "registration_fees_annual": _whole(float(rng.uniform(1500, 4000))),
        }

    def fields(self, rng, provider, nights, staff, cost_per_unit) -> dict[str, object]:
        """The provider sheet, then the people supported, support workers and night cover."""
        support = self.support_hours_per_week
        front_headcount, front_hours = _front_line_totals("supported_living", staff)
        waking = self.waking_nights_per_week
        return {
            **provider.details(rng, f"{provider.name.split(' ')[0]} supported living"),
            "people_supported": self.people_supported,
            "schemes": self.schemes,
            "support_hours_per_week": support,
            "shared_support_hours_per_week": round(support * float(rng.uniform(0.15, 0.4)), 1),
            "support_hours_council_per_week": round(support * float(rng.uniform(0.6, 0.95)), 1),
            "support_worker_headcount": front_headcount,
            "support_worker_paid_hours_per_week": front_hours,
            "sleep_ins_per_week": self.sleep_ins_per_week,
            "sleep_in_hours_per_night": self.sleep_in_hours_per_night,
            "sleep_in_payment_per_night": nights.sleep_in_payment_per_night,
            "sleep_in_paid_hourly": "Yes" if self.sleep_in_paid_hourly else "No",
            "waking_nights_per_week": waking,
            "waking_night_hours_per_night": self.waking_night_hours_per_night if waking else None,
            "waking_night_rate_per_hour": nights.waking_night_rate_per_hour if waking else None,
        }


@dataclass(frozen=True)
class _NightPay:
    sleep_in_payment_per_night: float
    waking_night_rate_per_hour: float


_SENIOR_SUPPORT_WORKERS = _Shift("Senior support worker", "senior support workers", 35.0)
_WAKING_NIGHT_STAFF = _Shift("Waking night support worker", "waking night staff", 33.0, opt_in=0.85)


def _supported_living_office(
    rng: np.random.Generator, f: Figures, s: _Schemes, rate: float
) -> list[_Role]:
    """A team leader for every two schemes, the manager, rota coordinator and administrator."""
    team_leaders = _office_role(
        rng, "Team leader", "team leaders", max(1, s.schemes // 2), rate * 1.15
    )
    manager_rate = _lognormal(rng, 19.0, 0.08)
    return [
        team_leaders,
        _office_role(rng, "Registered manager", "registered manager", 1, manager_rate),
        _office_role(rng, "Rota coordinator", "rota coordinator", 1, rate * 1.1),
        _office_role(rng, "Administration", "administrator", 1, f.wage_floor_per_hour * 1.05, 30.0),
    ]


# --------------------------------------------------------------------------- market


def annual_cost(
    values: dict[str, object], tables: dict[str, pd.DataFrame], service: str
) -> tuple[float, float]:
    """Total annual cost (including the return on operations and rent) and its staffing part,
    from clean return figures, using the spec's cost line categories."""
    spec = get_spec(service)
    staffing = _staffing_annual(tables["staff_roles"])
    other = tables.get("other_costs")
    total = staffing
    for f in spec.cost_fields():
        v = values.get(f.id)
        if isinstance(v, int | float):
            total += float(v)
            if f.category == "staffing":
                staffing += float(v)
    if other is not None and len(other):
        total += float(other["annual_cost"].sum())
        staffing += float(other.loc[other["cost_group"] == "Staffing", "annual_cost"].sum())
    return total, staffing


def _names(rng: np.random.Generator, service: str, n: int, taken: set[str]) -> list[str]:
    out = []
    firsts = list(_NAME_FIRST)
    order = rng.permutation(len(firsts))
    i = 0
    while len(out) < n:
        first = firsts[order[i % len(firsts)]]
        second = _NAME_SECOND[service][int(rng.integers(len(_NAME_SECOND[service])))]
        suffix = _LEGAL_SUFFIX[int(rng.integers(len(_LEGAL_SUFFIX)))]
        if "Care" in second and "Care" in suffix:
            suffix = "Ltd"
        name = f"{first} {second} {suffix}"
        if i >= len(firsts):
            name = f"{first} {second} {i // len(firsts) + 1} {suffix}"
        i += 1
        if name.casefold() in taken:
            continue
        taken.add(name.casefold())
        out.append(name)
    return out


def _framework_rate(costs: pd.Series, service: str) -> float:
    """The council's current framework rate: below the market median cost rolled a year on,
    rounded down (as fee surveys find: many councils pay less than providers' costs)."""
    median = float(costs.median())
    step = 5.0 if service == "care_home" else 0.10
    return round(math.floor(median * 0.92 / step) * step, 2)


_WEEKS: dict[str, type[_Week]] = {
    "home_care": _Rounds,
    "care_home": _Home,
    "supported_living": _Schemes,
}
"""Each service's week, with its steps of drawing a return."""

_FILE_PREFIX = {"home_care": "HC", "care_home": "CH", "supported_living": "SL"}
"""Start of each service's return file names."""


def generate_market(
    seed: int = 2026,
    n_home_care: int = 30,
    n_care_homes: int = 25,
    n_supported_living: int = 10,
    *,
    period_start: dt.date = DEFAULT_PERIOD_START,
    faults: bool = True,
    params=None,
) -> ExampleMarket:
    """Draw a synthetic market of providers and their completed returns.

    Parameters
    ----------
    seed
        Seed of the :class:`numpy.random.Generator`; the same seed gives the same market.
    n_home_care, n_care_homes, n_supported_living
        Providers of each service.
    period_start
        First day of the 12-month period the returns describe (pay floors, NI and pension
        are those in force then).
    faults
        Spoil a deliberate minority of returns (see :mod:`costofcare.examples.faults`) and
        type some figures the messy ways providers do. False gives clean returns only.
    params
        Dated parameters (default: the shipped ones).

    Returns
    -------
    ExampleMarket
    """
    counts = _provider_counts(n_home_care, n_care_homes, n_supported_living)
    rng = np.random.default_rng(seed)
    period_end = dt.date(
        period_start.year + 1, period_start.month, period_start.day
    ) - dt.timedelta(days=1)
    figures = Figures.for_period(period_start, params)
    returns, truth = _draw_returns(rng, counts, figures, period_start, period_end)
    current_rates, volumes = _council_tables(rng, returns, truth)
    market = ExampleMarket(seed, period_start, period_end, returns, current_rates, volumes, truth)
    if faults:
        from .faults import spoil

        spoil(market, rng, figures)
    return market


def _provider_counts(n_home_care, n_care_homes, n_supported_living) -> dict[str, int]:
    """Providers to draw by service, in drawing order; a negative count is refused."""
    counts = {}
    for service, label, n in (
        ("home_care", "n_home_care", n_home_care),
        ("care_home", "n_care_homes", n_care_homes),
        ("supported_living", "n_supported_living", n_supported_living),
    ):
        if int(n) < 0:
            raise ValueError(f"{label} must be 0 or more, not {n}")
        counts[service] = int(n)
    return counts


def _draw_returns(
    rng: np.random.Generator,
    counts: dict[str, int],
    figures: Figures,
    period_start: dt.date,
    period_end: dt.date,
) -> tuple[list[ProviderReturn], pd.DataFrame]:
    """Every provider's return, service by service, and the clean truth table."""
    taken: set[str] = set()
    returns: list[ProviderReturn] = []
    truth_rows = []
    serial = 0
    for service, n in counts.items():
        for i, name in enumerate(_names(rng, service, n, taken), start=1):
            serial += 1
            provider = _Provider(name, serial, period_start, period_end)
            drawn = _draw_return(_WEEKS[service], rng, provider, figures)
            file = f"{_FILE_PREFIX[service]}{i:02d}_{_slug(name)[:40]}.xlsx"
            r = ProviderReturn(file, service, name, drawn.values, drawn.tables)
            returns.append(r)
            truth_rows.append(_truth_row(r, drawn))
    return returns, pd.DataFrame(truth_rows)


def _truth_row(r: ProviderReturn, drawn: _Drawn) -> dict[str, object]:
    """The clean figures of one return (a row of :attr:`ExampleMarket.truth`)."""
    total, staffing = annual_cost(r.values, r.tables, r.service)
    units = drawn.units_per_year
    return {
        "provider": r.provider,
        "service": r.service,
        "file": r.file,
        "annual_cost": round(total, 2),
        "units_per_year": round(units, 2),
        "cost_per_unit": round(total / units, 2),
        "staffing_cost_per_unit": round(staffing / units, 2),
        "staffing_share": round(staffing / total, 4),
        "care_worker_rate_per_hour": drawn.rate_per_hour,
        "volume_per_week": round(units / WEEKS_PER_YEAR, 2),
    }


def _council_tables(rng, returns: list[ProviderReturn], truth: pd.DataFrame):
    """The council's current rates (framework or spot) and commissioned volumes."""
    rate_rows, volume_rows = [], []
    council_volume = {
        "home_care": lambda v: v.get("contact_hours_council_per_week"),
        "supported_living": lambda v: v.get("support_hours_council_per_week"),
        "care_home": lambda v: v.get("residents_council_funded"),
    }
    spec_unit = {s: get_spec(s).unit for s in RATE_UNITS}
    frameworks = {
        service: _framework_rate(group["cost_per_unit"] * 1.06, service)
        for service, group in truth.groupby("service")
    }
    for r in returns:
        framework = frameworks[r.service]
        if r.service == "care_home" and r.values.get("home_type") != "Residential":
            framework = round(framework + 120.0, 2)
        if rng.random() < 0.25:
            basis = "spot"
            rate = _money(framework * float(rng.uniform(0.97, 1.12)))
        else:
            basis = "framework"
            rate = framework
        # a care home's market: the category the council buys it in (its type of home);
        # nursing and dual rates exclude NHS-funded nursing care
        category = HOME_TYPE_CATEGORY.get(str(r.values.get("home_type", ""))) or None
        rate_rows.append(
            {
                "provider": r.provider,
                "service": r.service,
                "current_rate": rate,
                "unit": RATE_UNITS[r.service],
                "rate_basis": basis,
                "effective_from": RATES_EFFECTIVE_FROM.isoformat(),
                "care_category": category,
            }
        )
        volume = council_volume[r.service](r.values)
        volume_rows.append(
            {
                "provider": r.provider,
                "service": r.service,
                "volume_per_week": float(volume),
                "volume_unit": spec_unit[r.service],
                "care_category": category,
            }
        )
    return pd.DataFrame(rate_rows), pd.DataFrame(volume_rows)
