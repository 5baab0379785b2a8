"""Drivers of a modelled unit cost: read a drivers file, fill gaps, turn rules into rates.

A drivers file is a small TOML file (examples in ``workbooks/examples/drivers/``)::

    period_start = "2025-04-01"
    pay_rate_per_hour = 12.60            # left out: the National Living Wage on period_start
    travel_minutes_per_contact_hour = 12
    ni_basis = "per_worker"              # or "flat_percent" with employer_ni_rate_of_pay
    [[workers]]                          # weekly paid hours distribution, for per-worker NI
    hours_per_week = 16
    count = 40

:func:`resolve` fills every missing driver, from the dated parameters when the figure is set
in law and from ``data/assumptions.toml`` otherwise, and records each default it used. It
then turns the on-cost rules (per-worker NI and pension, SSP, statutory holiday) into rates of
pay for time worked, which is what the array cores in :mod:`costofcare.costs.modelled` take.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigError, UserError
from ..money import WEEKS_PER_YEAR
from ..parameters.statutory import STATUTORY_PARAMETERS
from .lines import CARE_HOME_NON_STAFFING_LINES, CARE_HOME_STAFF_LINES, UNITS
from .modelled import OVERHEADS_BASES
from .oncosts import effective_oncost_rates, holiday_pay_rate, statutory_sick_pay_annual

__all__ = [
    "DRIVER_KEYS",
    "DefaultUsed",
    "ResolvedDrivers",
    "load_drivers_file",
    "parameter_date",
    "resolve",
    "resolve_frame",
]

BASES = ("flat_percent", "per_worker")
SICK_BASES = ("flat_percent", "ssp")
#: What ``sick_pay_basis = "ssp"`` needs from the drivers file (no default: SSP would be £0).
SSP_SICKNESS_KEYS = ("sick_days_per_worker_year", "sick_spells_per_worker_year")

_COMMON_KEYS = {
    "provider": "name shown in the output",
    "period_start": "first day of the period modelled (YYYY-MM-DD); parameters are read for it",
    "period_end": "last day of the period (default: one year after period_start, less a day)",
    "holiday_rate": "holiday pay as a fraction of pay for time worked",
    "sick_pay_basis": "flat_percent | ssp",
    "sick_pay_rate": "sick pay as a fraction of pay for time worked (flat_percent)",
    "sick_days_per_worker_year": "days off sick per worker a year (ssp)",
    "sick_spells_per_worker_year": "spells of sickness per worker a year (ssp)",
    "qualifying_days_per_week": "SSP qualifying days a week (ssp)",
    "training_rate": "paid training time as a fraction of pay for time worked",
    "ni_basis": "flat_percent | per_worker",
    "employer_ni_rate_of_pay": "employer NI as a fraction of pay for time worked (flat_percent)",
    "employment_allowance": "true to set Employment Allowance against the employer's NI",
    "pension_basis": "flat_percent | per_worker",
    "employer_pension_rate_of_pay": "employer pension as a fraction of pay (flat_percent)",
    "pension_opt_out_rate": "share of eligible workers who opt out of the pension",
    "workers": "list of {hours_per_week, count[, pay_rate_per_hour]} bands (per_worker rules)",
    "weeks_paid_per_year": "weeks paid a year (52.143 = 365/7)",
    "overheads_basis": "share_of_price | markup_on_cost",
}
_HOURLY_KEYS = {
    "pay_rate_per_hour": "care worker hourly pay (default: National Living Wage)",
    "travel_minutes_per_contact_hour": "paid travel minutes per contact (or support) hour",
    "non_contact_minutes_per_contact_hour": "other paid non-contact minutes per contact hour",
    "miles_per_contact_hour": "miles driven per contact hour",
    "mileage_rate_per_mile": "£ paid per mile (default: HMRC approved mileage rate)",
    "ppe_per_unit": "£ of PPE per unit",
    "business_costs_per_unit": "table of itemised business costs, £ per unit",
    "overheads_rate": "overheads (running the business) as a fraction (see overheads_basis)",
    "overheads_per_unit": "overheads, £ per unit",
    "surplus_rate": "surplus as a fraction (see overheads_basis)",
    "surplus_per_unit": "surplus, £ per unit",
}
_CARE_HOME_KEYS = {
    "beds": "registered beds",
    "occupancy": "occupied share of beds (0 to 1)",
    "staff": "table per staff line: pay_rate_per_hour, hours_per_week, hours_per_resident_week",
    "non_staffing_annual": "table of non-staffing lines, £ per year",
    "non_staffing_per_resident_week": "table of non-staffing lines, £ per resident week",
    "return_on_operations_rate": "return on operations as a fraction (see overheads_basis)",
    "freehold_value_per_bed": "£ freehold value per bed, for the return on capital",
    "return_on_capital_rate": "return on capital, fraction of freehold value a year",
    "weeks_per_year": "weeks a year (52.143 = 365/7)",
}

#: keys a drivers file may hold, per service, with a one-line description
DRIVER_KEYS: dict[str, dict[str, str]] = {
    "home_care": {**_COMMON_KEYS, **_HOURLY_KEYS},
    "supported_living": {**_COMMON_KEYS, **_HOURLY_KEYS},
    "care_home": {**_COMMON_KEYS, **_CARE_HOME_KEYS},
}


@dataclass(frozen=True)
class DefaultUsed:
    """A driver value the user did not give, or a dated figure a rule used."""

    driver: str
    value: Any
    source: str


@dataclass
class ResolvedDrivers:
    """Drivers with every gap filled and on-cost rules turned into rates of pay."""

    service: str
    values: dict[str, Any]
    defaults_used: list[DefaultUsed] = field(default_factory=list)

    def defaults_frame(self) -> pd.DataFrame:
        """The defaults and dated figures used, one row each."""
        return pd.DataFrame(
            [(d.driver, _show(d.value), d.source) for d in self.defaults_used],
            columns=["driver", "value", "source"],
        )


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


@cache
def _assumptions() -> dict[str, dict[str, dict[str, Any]]]:
    text = resources.files("costofcare.costs").joinpath("data/assumptions.toml").read_bytes()
    return tomllib.loads(text.decode("utf-8"))


def assumption_source(entry: Mapping[str, Any]) -> str:
    """How a shipped default is listed: its source, the date of its evidence and its note.

    >>> assumption_source({"value": 0.0, "source": "convention", "note": "none unless stated"})
    'assumption (convention): none unless stated'
    """
    source = _assumptions()["sources"][entry["source"]]
    when = f", evidence of {entry['as_of']}" if "as_of" in entry else ""
    return f"assumption ({source['label']}{when}): {entry['note']}"


def load_drivers_file(path: str | Path) -> dict[str, Any]:
    """Read a drivers TOML file, naming the file and line when it cannot be read."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not a valid drivers file: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def parameter_date(period_start: dt.date) -> dict[str, dt.date]:
    """Dates on which parameters are read for a period starting on ``period_start``.

    Wage floors are read on ``period_start``. Tax-year figures (NI, pension, SSP, Employment
    Allowance) are read on the same day, except that a period starting 1-5 April (a council
    financial year) reads them on 6 April, the start of the tax year it mostly falls in.
    """
    tax_day = period_start
    if period_start.month == 4 and period_start.day < 6:
        tax_day = period_start.replace(day=6)
    return {"wage": period_start, "tax": tax_day}


def _to_date(value: Any, key: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ConfigError(f"{key} = {value!r} is not a date: write it as YYYY-MM-DD") from None


Bands = tuple[np.ndarray, np.ndarray, np.ndarray, float]


class _Resolver:
    """Drivers being resolved: the file's values, the defaults used, and the values filled.

    Every default and dated figure read goes through :meth:`get`, :meth:`param` or
    :meth:`figure`, which record it in ``used`` in the order read.
    """

    def __init__(self, raw: Mapping[str, Any], service: str, params: Any, where: str) -> None:
        self.raw = dict(raw)
        self.service = service
        self.params = params
        self.where = where
        self.used: list[DefaultUsed] = []
        self.assumed = _assumptions().get(service, {})
        self.values: dict[str, Any] = {}
        #: pay per hour of workers bands that give none (set by the service's pay step)
        self.base_rate = float("nan")
        self._bands: Bands | None = None

    def number(
        self, key: str, value: Any, lo: float | None = 0.0, hi: float | None = None
    ) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{self.where}{key} must be a number; got {value!r}")
        value = float(value)
        if (
            not np.isfinite(value)
            or (lo is not None and value < lo)
            or (hi is not None and value > hi)
        ):
            span = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
            raise ConfigError(f"{self.where}{key} must be {span}; got {value}")
        return value

    def required(self, key: str, lo: float | None = 0.0, hi: float | None = None) -> float:
        """A number the file must give (no shipped assumption stands in for it)."""
        if key not in self.raw:
            raise ConfigError(f"{self.where}{key} is required ({DRIVER_KEYS[self.service][key]})")
        return self.number(key, self.raw[key], lo, hi)

    def given_or(self, key: str, default: Callable[[], float]) -> float:
        """The file's number for ``key``, else ``default()`` (a dated figure, recorded)."""
        return self.number(key, self.raw[key]) if key in self.raw else default()

    def param(self, name: str, on: dt.date) -> float:
        try:
            pv = self.params.get(name, on=on)
        except AttributeError:  # a plain mapping of figures
            if name not in self.params:
                raise ConfigError(f"figure '{name}' is needed but was not supplied") from None
            value = float(self.params[name])
            self.used.append(DefaultUsed(name, value, "figure supplied by the caller"))
            return value
        self.used.append(
            DefaultUsed(
                name,
                pv.value,
                f"parameter in force on {on.isoformat()} "
                f"(from {pv.effective_from}): {pv.source_title}",
            )
        )
        return float(pv.value)

    def figure(self, field: str, on: dt.date) -> float:
        """A statutory figure by its :class:`~costofcare.parameters.StatutoryFigures` field
        name, read from its dated parameter (recorded)."""
        return self.param(STATUTORY_PARAMETERS[field], on)

    def figure_or_nan(self, field: str, on: dt.date) -> float:
        """As :meth:`figure`, NaN when the figure is not in force (a rule that does not
        apply on that date)."""
        return self.param_or_nan(STATUTORY_PARAMETERS[field], on)

    def param_or_nan(self, name: str, on: dt.date) -> float:
        has = getattr(self.params, "has", None)
        if has is not None and not has(name, on):
            return float("nan")
        if has is None and name not in self.params:
            return float("nan")
        return self.param(name, on)

    def get(self, key: str, lo: float | None = 0.0, hi: float | None = None) -> Any:
        """A driver from the file, else the shipped assumption (recorded)."""
        if key in self.raw:
            value = self.raw[key]
        elif key in self.assumed:
            value = self.assumed[key]["value"]
            self.used.append(DefaultUsed(key, value, assumption_source(self.assumed[key])))
        else:
            raise ConfigError(f"{self.where}{key} is required ({DRIVER_KEYS[self.service][key]})")
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self.number(key, value, lo, hi)
        return value

    def choice(self, key: str, options: tuple[str, ...]) -> str:
        value = self.get(key)
        if value not in options:
            raise ConfigError(
                f"{self.where}{key} must be one of {', '.join(options)}; got {value!r}"
            )
        return value

    def table(self, key: str) -> dict[str, float]:
        value = self.raw.get(key, {})
        if not isinstance(value, Mapping):
            raise ConfigError(f"{self.where}{key} must be a table of line = £ amounts")
        return {str(k): self.number(f"{key}.{k}", v) for k, v in value.items()}

    def workforce(self) -> Bands:
        """Hours, counts and pay of the worker bands, and weeks paid a year: read from the
        file the first time a per-worker rule needs them."""
        if self._bands is None:
            weeks = self.get("weeks_paid_per_year", 1.0, 53.0)
            self.values["weeks_paid_per_year"] = weeks
            self._bands = (*_bands(self, self.base_rate), weeks)
        return self._bands


@dataclass(frozen=True)
class _OncostRule:
    """An employer on-cost charged at a flat rate of pay or worked out per worker."""

    #: driver choosing the basis (flat_percent | per_worker)
    basis_key: str
    #: driver holding the rate of pay for time worked (given when flat, worked out else)
    rate_key: str
    #: value holding the share of total pay (per worker)
    share_key: str
    #: key of that share in :func:`~costofcare.costs.oncosts.effective_oncost_rates`
    kernel_share: str
    #: statutory figures the per-worker rule reads (also the kernel's argument names)
    figures: tuple[str, ...]


ONCOST_RULES = (
    _OncostRule(
        "ni_basis",
        "employer_ni_rate_of_pay",
        "employer_ni_share_of_pay",
        "ni_share",
        ("employer_ni_rate", "employer_ni_threshold_annual"),
    ),
    _OncostRule(
        "pension_basis",
        "employer_pension_rate_of_pay",
        "employer_pension_share_of_pay",
        "pension_share",
        (
            "pension_employer_rate",
            "pension_lower_annual",
            "pension_upper_annual",
            "pension_trigger_annual",
        ),
    ),
)
#: keys of a care home ``[staff.<line>]`` table
STAFF_KEYS = ("pay_rate_per_hour", "hours_per_week", "hours_per_resident_week")
#: hourly services' drivers taken as given or from the shipped assumptions
HOURLY_ASSUMED = (
    "travel_minutes_per_contact_hour",
    "non_contact_minutes_per_contact_hour",
    "miles_per_contact_hour",
    "ppe_per_unit",
    "overheads_per_unit",
    "surplus_per_unit",
)


def _check_keys(raw: Mapping[str, Any], service: str, where: str) -> None:
    """Refuse an unknown service, unknown drivers, or a file for another service."""
    if service not in UNITS:
        raise UserError(f"unknown service '{service}'; use one of {', '.join(UNITS)}")
    allowed = DRIVER_KEYS[service]
    unknown = sorted(set(raw) - set(allowed) - {"service"})
    if unknown:
        raise ConfigError(
            f"{where}unknown driver(s) for {service}: {', '.join(unknown)}. "
            f"Known drivers: {', '.join(allowed)}"
        )
    if "service" in raw and raw["service"] != service:
        raise ConfigError(f"{where}the file is for service '{raw['service']}', not '{service}'")


def _period(raw: Mapping[str, Any], where: str) -> tuple[dt.date, dt.date]:
    """First and last day of the period (a year less a day when no end is given)."""
    if "period_start" not in raw:
        raise ConfigError(f"{where}period_start is required (first day of the period, YYYY-MM-DD)")
    start = _to_date(raw["period_start"], f"{where}period_start")
    end = (
        _to_date(raw["period_end"], f"{where}period_end")
        if "period_end" in raw
        else dt.date(start.year + 1, start.month, start.day) - dt.timedelta(days=1)
    )
    if end < start:
        raise ConfigError(f"{where}period_end {end} is before period_start {start}")
    return start, end


def _staff_line(r: _Resolver, line_id: str, spec: Any, nlw: Callable[[], float]):
    """Pay per hour, fixed hours a week and hours per resident week of one staff line."""
    known = {line.id for line in CARE_HOME_STAFF_LINES}
    if line_id not in known:
        raise ConfigError(
            f"{r.where}unknown staff line '{line_id}'; use one of {', '.join(sorted(known))}"
        )
    if not isinstance(spec, Mapping):
        raise ConfigError(f"{r.where}staff.{line_id} must be a table")
    bad = sorted(set(spec) - set(STAFF_KEYS))
    if bad:
        raise ConfigError(f"{r.where}staff.{line_id}: unknown key(s) {', '.join(bad)}")
    key = f"staff.{line_id}."
    rate = (
        r.number(key + "pay_rate_per_hour", spec["pay_rate_per_hour"])
        if "pay_rate_per_hour" in spec
        else nlw()
    )
    fixed = r.number(key + "hours_per_week", spec.get("hours_per_week", 0))
    variable = r.number(key + "hours_per_resident_week", spec.get("hours_per_resident_week", 0))
    return rate, fixed, variable


def _care_home_staff(r: _Resolver, nlw: Callable[[], float]) -> None:
    """The ``[staff.<line>]`` tables: pay and hours per staff line."""
    staff = r.raw.get("staff", {})
    if not isinstance(staff, Mapping) or not staff:
        raise ConfigError(f"{r.where}[staff.<line>] tables are required for a care home")
    lines = {line_id: _staff_line(r, line_id, spec, nlw) for line_id, spec in staff.items()}
    rates = {line_id: rate for line_id, (rate, _, _) in lines.items()}
    r.values.update(
        staff_rate_per_hour=rates,
        staff_hours_per_week={line_id: fixed for line_id, (_, fixed, _) in lines.items()},
        staff_hours_per_resident_week={line_id: v for line_id, (_, _, v) in lines.items()},
    )
    r.base_rate = rates.get("care_staff", next(iter(rates.values())))


def _care_home_drivers(r: _Resolver, on: dict[str, dt.date]) -> None:
    """Staff, beds and occupancy, non-staffing lines and the returns of a care home."""
    _care_home_staff(r, lambda: r.param("national_living_wage_hourly", on["wage"]))
    v = r.values
    v["beds"] = r.required("beds", 1)
    v["occupancy"] = r.required("occupancy", 0.0, 1.0)
    if v["occupancy"] == 0:
        raise ConfigError(f"{r.where}occupancy must be above 0")
    known = {line.id for line in CARE_HOME_NON_STAFFING_LINES}
    for key in ("non_staffing_annual", "non_staffing_per_resident_week"):
        table = r.table(key)
        bad = sorted(set(table) - known)
        if bad:
            raise ConfigError(
                f"{r.where}{key}: unknown line(s) {', '.join(bad)}; use one of "
                f"{', '.join(sorted(known))}"
            )
        v[key] = table
    v["return_on_operations_rate"] = r.get("return_on_operations_rate")
    v["freehold_value_per_bed"] = r.get("freehold_value_per_bed")
    v["return_on_capital_rate"] = r.get("return_on_capital_rate", 0.0, 1.0)
    v["weeks_per_year"] = float(r.raw.get("weeks_per_year", WEEKS_PER_YEAR))


def _hourly_drivers(r: _Resolver, on: dict[str, dt.date]) -> None:
    """Pay, time, mileage and business costs of home care or supported living."""
    v = r.values
    v["pay_rate_per_hour"] = r.given_or(
        "pay_rate_per_hour", lambda: r.param("national_living_wage_hourly", on["wage"])
    )
    r.base_rate = v["pay_rate_per_hour"]
    for key in HOURLY_ASSUMED:
        v[key] = r.get(key)
    v["mileage_rate_per_mile"] = r.given_or(
        "mileage_rate_per_mile", lambda: r.param("mileage_rate_per_mile", on["tax"])
    )
    v["overheads_rate"] = r.get("overheads_rate", 0.0, None)
    v["surplus_rate"] = r.get("surplus_rate", 0.0, None)
    v["business_costs_per_unit"] = r.table("business_costs_per_unit")


def _holiday_rate(r: _Resolver, on: dict[str, dt.date]) -> float:
    """Holiday pay as a fraction of pay for time worked: given, or the statutory weeks."""
    if "holiday_rate" in r.raw:
        return r.number("holiday_rate", r.raw["holiday_rate"], 0.0, 1.0)
    holiday_weeks = r.figure("holiday_weeks", on["wage"])
    year = _weeks_in_year(r, r.service)
    rate = float(holiday_pay_rate(holiday_weeks, year))
    r.used.append(
        DefaultUsed(
            "holiday_rate",
            rate,
            f"statutory_holiday_weeks / ({year:.6g} - statutory_holiday_weeks)",
        )
    )
    return rate


def _sick_pay_rate(r: _Resolver, on: dict[str, dt.date]) -> float:
    """Sick pay as a fraction of pay for time worked: flat, or SSP over the worker bands."""
    if r.choice("sick_pay_basis", SICK_BASES) == "flat_percent":
        return r.get("sick_pay_rate", 0.0, 1.0)
    missing = [key for key in SSP_SICKNESS_KEYS if key not in r.raw]
    if missing:
        raise ConfigError(
            f'{r.where}sick_pay_basis = "ssp" needs {" and ".join(missing)} '
            f"({'; '.join(DRIVER_KEYS[r.service][k] for k in missing)}): there is no default, "
            "as SSP priced on no sickness would be £0; state them, or use "
            'sick_pay_basis = "flat_percent"'
        )
    hours, counts, band_rates, weeks_paid = r.workforce()
    weekly = hours * band_rates
    ssp = statutory_sick_pay_annual(
        weekly,
        r.get("sick_days_per_worker_year", 0.0, 366.0),
        r.get("sick_spells_per_worker_year", 0.0, 366.0),
        r.get("qualifying_days_per_week", 1.0, 7.0),
        r.figure("ssp_weekly", on["tax"]),
        r.figure("ssp_waiting_days", on["tax"]),
        r.figure_or_nan("ssp_lower_earnings_limit_weekly", on["tax"]),
        r.figure_or_nan("ssp_earnings_replacement_cap_rate", on["tax"]),
    )
    return float(np.sum(counts * ssp) / np.sum(counts * weekly * weeks_paid))


def _flat_oncost(r: _Resolver, rule: _OncostRule) -> None:
    """An on-cost given as a flat rate of pay: the file must state it."""
    if rule.rate_key not in r.raw:
        raise ConfigError(f"{r.where}{rule.basis_key} = flat_percent needs {rule.rate_key}")
    r.values[rule.rate_key] = r.number(rule.rate_key, r.raw[rule.rate_key], 0.0, 1.0)


def _per_worker_oncosts(r: _Resolver, on: dict[str, dt.date], per_worker: dict) -> None:
    """Employer NI and/or pension worked out per worker band by the on-cost kernels, as
    shares of all pay and as rates of pay for time worked."""
    hours, counts, band_rates, weeks_paid = r.workforce()
    use_ea = r.get("employment_allowance")
    if not isinstance(use_ea, bool):
        raise ConfigError(f"{r.where}employment_allowance must be true or false")
    figures = {
        name: r.figure(name, on["tax"]) if per_worker[rule] else 0.0
        for rule in ONCOST_RULES
        for name in rule.figures
    }
    ni, pension = ONCOST_RULES
    eff = effective_oncost_rates(
        hours,
        counts,
        band_rates,
        weeks_paid,
        **figures,
        pension_opt_out=r.get("pension_opt_out_rate", 0.0, 1.0) if per_worker[pension] else 0.0,
        employment_allowance_annual=(
            r.figure("employment_allowance_annual", on["tax"])
            if (use_ea and per_worker[ni])
            else 0.0
        ),
    )
    v = r.values
    all_pay_factor = 1.0 + v["holiday_rate"] + v["sick_pay_rate"] + v["training_rate"]
    for rule in ONCOST_RULES:
        if per_worker[rule]:
            v[rule.share_key] = float(eff[rule.kernel_share])
            v[rule.rate_key] = float(eff[rule.kernel_share]) * all_pay_factor


def _employer_oncosts(r: _Resolver, on: dict[str, dt.date]) -> None:
    """Employer NI and pension under their bases (see :data:`ONCOST_RULES`)."""
    bases = {rule: r.choice(rule.basis_key, BASES) for rule in ONCOST_RULES}
    for rule, basis in bases.items():
        r.values[rule.basis_key] = basis
    for rule, basis in bases.items():
        if basis == "flat_percent":
            _flat_oncost(r, rule)
    per_worker = {rule: basis == "per_worker" for rule, basis in bases.items()}
    if any(per_worker.values()):
        _per_worker_oncosts(r, on, per_worker)


#: the pay, time and non-pay drivers of each service
_SERVICE_DRIVERS = {
    "care_home": _care_home_drivers,
    "home_care": _hourly_drivers,
    "supported_living": _hourly_drivers,
}


def resolve(
    raw: Mapping[str, Any], service: str, params: Any, *, where: str = ""
) -> ResolvedDrivers:
    """Fill missing drivers and turn on-cost rules into rates of pay for time worked.

    Parameters
    ----------
    raw : mapping
        Drivers as read from a file (see :data:`DRIVER_KEYS`).
    service : str
        ``"home_care"``, ``"care_home"`` or ``"supported_living"``.
    params : Parameters or mapping
        Loaded parameters (:func:`costofcare.parameters.load`), read on the period's dates,
        or a mapping ``{parameter name: value}`` already resolved for the period.
    where : str
        Prefix for error messages (e.g. the file name and a colon).

    Returns
    -------
    ResolvedDrivers
        ``values`` holds every driver the cores need, including ``holiday_rate``,
        ``sick_pay_rate``, ``employer_ni_rate_of_pay`` and ``employer_pension_rate_of_pay``
        as fractions of pay for time worked; ``defaults_used`` lists every default and dated
        figure used.
    """
    _check_keys(raw, service, where)
    r = _Resolver(raw, service, params, where)
    start, end = _period(raw, where)
    on = parameter_date(start)
    r.values.update(
        provider=str(raw.get("provider", "drivers")),
        period_start=start.isoformat(),
        period_end=end.isoformat(),
    )
    _SERVICE_DRIVERS[service](r, on)
    r.values["overheads_basis"] = r.choice("overheads_basis", OVERHEADS_BASES)
    r.values["holiday_rate"] = _holiday_rate(r, on)
    r.values["training_rate"] = r.get("training_rate", 0.0, 1.0)
    r.values["sick_pay_rate"] = _sick_pay_rate(r, on)
    _employer_oncosts(r, on)
    return ResolvedDrivers(service, r.values, r.used)


def _weeks_in_year(r: _Resolver, service: str) -> float:
    """Weeks in the year the statutory holiday is spread over: the file's own
    ``weeks_paid_per_year`` (``weeks_per_year`` for a care home) when it states one, else
    365 / 7 (a published model that used 52 weeks states 52)."""
    key = "weeks_per_year" if service == "care_home" else "weeks_paid_per_year"
    if key in r.raw:
        return r.number(key, r.raw[key], 1.0, 53.0)
    return WEEKS_PER_YEAR


def _bands(r: _Resolver, base_rate: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    workers = r.get("workers")
    if not isinstance(workers, list) or not workers:
        raise ConfigError(
            f"{r.where}workers must be a list of [[workers]] tables with hours_per_week and count"
        )
    hours, counts, rates = [], [], []
    for k, band in enumerate(workers, start=1):
        if not isinstance(band, Mapping) or "hours_per_week" not in band or "count" not in band:
            raise ConfigError(f"{r.where}workers band {k} needs hours_per_week and count")
        bad = sorted(set(band) - {"hours_per_week", "count", "pay_rate_per_hour"})
        if bad:
            raise ConfigError(f"{r.where}workers band {k}: unknown key(s) {', '.join(bad)}")
        hours.append(r.number(f"workers[{k}].hours_per_week", band["hours_per_week"], 0.0, 168.0))
        counts.append(r.number(f"workers[{k}].count", band["count"]))
        rates.append(
            r.number(f"workers[{k}].pay_rate_per_hour", band["pay_rate_per_hour"])
            if "pay_rate_per_hour" in band
            else base_rate
        )
    if sum(counts) <= 0:
        raise ConfigError(f"{r.where}workers: the counts add up to zero")
    return np.array(hours), np.array(counts), np.array(rates)


def resolve_frame(
    rows: list[Mapping[str, Any]] | pd.DataFrame, service: str, params: Any
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Resolve many providers' drivers at once.

    Returns the resolved drivers (one row per provider, ready for
    :func:`costofcare.costs.modelled.modelled_unit_cost`) and a long table of the defaults
    used (``provider, driver, value, source``).
    """
    if isinstance(rows, pd.DataFrame):
        records = [
            {k: val for k, val in rec.items() if not _is_blank(val)}
            for rec in rows.to_dict(orient="records")
        ]
    else:
        records = [dict(x) for x in rows]
    resolved, used = [], []
    for k, rec in enumerate(records, start=1):
        name = str(rec.get("provider", f"row {k}"))
        res = resolve(rec, service, params, where=f"{name}: ")
        resolved.append(res.values)
        frame = res.defaults_frame()
        frame.insert(0, "provider", res.values["provider"])
        used.append(frame)
    defaults = pd.concat(used, ignore_index=True) if used else pd.DataFrame()
    return pd.DataFrame(resolved), defaults


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))
