"""The market shape step of a run: read the ``[market]`` files, build every table, write them.

:func:`run_shape` is pure apart from reading the council's files (each through
:func:`costofcare.tables.read_table`, so every bad line is an issue row with its file and
line); :func:`write_shape` writes the tables as CSV through :mod:`costofcare.csvout`. Each
part runs only when its inputs are configured. docs/market-shape.md lists every key.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..csvout import write_csv
from ..errors import ConfigError
from ..tables import read_table, validate
from .capacity import (
    capacity_gap,
    commissioned_capacity,
    cost_unmet_need,
    council_totals,
    demand_from_capacity,
    occupancy_from_values,
    project_demand,
)
from .contract_value import ContractPolicy, contract_values
from .contracts import contract_calendar
from .funding import funding_gap, simple_profile
from .movement import movement_by_year, tier_membership, tiers_and_zones
from .scotland import nchc_rates
from .spend import SPEND_DIMENSIONS, concentration, spend_by, spend_snapshot

__all__ = ["SHAPE_KEYS", "ShapeResult", "rates_by_service_type", "run_shape", "write_shape"]

#: The ``[market]`` keys the market shape step reads (the quality and risk step reads its
#: own keys from the same table), with what each is.
SHAPE_KEYS = {
    "as_of": "date the contract calendar and DPS membership are read on (YYYY-MM-DD)",
    "register": "register of services file (shared with quality and risk): capacity, tiers",
    "spend": "spend table file",
    "top_providers": "list of N for the top-N provider shares (default [1, 5, 10])",
    "demand": "demand table file",
    "demand_growth_per_year": "growth a year carrying each demand series forward (fraction)",
    "demand_to_year": "last financial year demand is carried forward to (2029 is 2029-30)",
    "demand_from_year": "with no demand file: the year today's capacity is taken as demand",
    "unmet_rates": "list of {option, service_type, unit, rate} the unmet need is costed at",
    "events": "market events file (entries, exits, closures, hand-backs)",
    "contracts": "contracts file (the contract calendar)",
    "lead_time_months": "months needed to recommission a contract (required with contracts)",
    "contract_values": "list of contract policies (name, annual_value, start, years, policy)",
    "deflator": '{rate = 0.03} or {index = "CPI"}: real terms of contract values',
    "profile": "budget profile file, or a table {first_year, years, rates, volumes, ...}",
    "funding": "funding lines file",
    "nchc": "true: list the National Care Home Contract rates (Scotland)",
}
_TABLE_KEYS = {
    "register": "register",
    "spend": "spend",
    "demand": "demand",
    "events": "market_events",
    "contracts": "contracts",
    "profile": "budget_profile",
    "funding": "funding_lines",
}


@dataclass
class ShapeResult:
    """Every market shape table of a run, its issues and its headline figures.

    ``tables`` maps a name (``spend_by``, ``concentration``, ``capacity``, ``capacity_gap``,
    ``unmet_cost``, ``occupancy``, ``movement``, ``tiers``, ``calendar``,
    ``contract_values``, ``profile``, ``funding_gap``, ``nchc_rates``) to its DataFrame;
    only the parts configured are present.
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    issues: pd.DataFrame = field(default_factory=pd.DataFrame)
    summary: dict = field(default_factory=dict)
    as_of: pd.Timestamp | None = None


def _where(key: str) -> str:
    return f"[market] {key}"


def _number(cfg: Mapping, key: str, default=None) -> float | None:
    value = cfg.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{_where(key)}: {value!r} is not a number")
    return float(value)


def _read(cfg: Mapping, key: str, base: Path, issues: list[pd.DataFrame]) -> pd.DataFrame | None:
    value = cfg.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{_where(key)}: give the file's path as text, got {value!r}")
    path = Path(value) if Path(value).is_absolute() else base / value
    if not path.is_file():
        raise ConfigError(f"{_where(key)}: file {path} does not exist")
    clean, found = read_table(_TABLE_KEYS[key], path)
    issues.append(found)
    return clean


def _as_of(cfg: Mapping, on) -> pd.Timestamp | None:
    value = cfg.get("as_of", on)
    if value is None:
        return None
    try:
        return pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{_where('as_of')}: {value!r} is not a date (YYYY-MM-DD)") from None


def _unmet_rates(cfg: Mapping) -> pd.DataFrame | None:
    rows = cfg.get("unmet_rates")
    if rows is None:
        return None
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        raise ConfigError(
            f"{_where('unmet_rates')}: a list of {{option, service_type, unit, rate}}"
        )
    frame = pd.DataFrame(rows)
    missing = [c for c in ("option", "service_type", "unit", "rate") if c not in frame]
    if missing:
        raise ConfigError(f"{_where('unmet_rates')}: each rate needs {', '.join(missing)}")
    frame["rate"] = pd.to_numeric(frame["rate"], errors="coerce")
    if frame["rate"].isna().any() or (frame["rate"] < 0).any():
        raise ConfigError(f"{_where('unmet_rates')}: every rate must be a number of pounds >= 0")
    return frame.loc[:, ["option", "service_type", "unit", "rate"]]


#: The capacity units an option's rate per costing unit prices: an hourly rate a week of
#: hours, a weekly rate a bed (or place, or person) a week.
_RATE_UNITS = {
    "contact_hour": ("hours_per_week",),
    "support_hour": ("hours_per_week",),
    "resident_week": ("beds", "places", "people"),
}


def rates_by_service_type(option_rates: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """Each option's rate per costed service, put on the register's service types: a
    service type whose registered services are all of one costed service, counted in a
    capacity unit that service's rate prices (``hours_per_week`` for an hourly rate; beds,
    places or people for a weekly one), takes that service's rate.

    Returns
    -------
    DataFrame: ``option, service_type, unit, rate`` (as ``unmet_rates``).
    """
    from ..tables.catalogue import SERVICE_UNITS

    known = register.loc[:, ["service", "service_type", "capacity_unit"]].astype(str)
    known = known[(known["service"] != "") & (known["service_type"] != "")]
    known = known[known["capacity_unit"] != ""].drop_duplicates()
    single = known.groupby("service_type")["service"].transform("nunique") == 1
    known = known[single]
    fits = [
        unit in _RATE_UNITS.get(SERVICE_UNITS.get(service, ""), ())
        for service, unit in zip(known["service"], known["capacity_unit"], strict=True)
    ]
    known = known[fits].rename(columns={"capacity_unit": "unit"})
    out = option_rates.merge(known, on="service", how="inner")
    return out.loc[:, ["option", "service_type", "unit", "rate"]].reset_index(drop=True)


def _profile(cfg: Mapping, base: Path, issues: list) -> pd.DataFrame | None:
    value = cfg.get("profile")
    if not isinstance(value, Mapping):
        return _read(cfg, "profile", base, issues)
    known = {"first_year", "years", "rates", "volumes", "volume_growth_per_year",
             "rate_uplift_per_year"}  # fmt: skip
    unknown = sorted(set(value) - known)
    if unknown:
        raise ConfigError(f"{_where('profile')}: unknown key(s) {', '.join(unknown)}")
    try:
        return simple_profile(
            dict(value["rates"]),
            dict(value["volumes"]),
            int(value["first_year"]),
            int(value.get("years", 3)),
            float(value.get("volume_growth_per_year", 0.0)),
            float(value.get("rate_uplift_per_year", 0.0)),
        )
    except KeyError as exc:
        raise ConfigError(f"{_where('profile')}: {exc.args[0]} is missing") from None
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{_where('profile')}: {exc}") from None


def run_shape(
    market_cfg: Mapping,
    base: Path,
    *,
    params=None,
    on: dt.date | str | None = None,
    values: pd.DataFrame | None = None,
    profile: pd.DataFrame | None = None,
    option_rates: pd.DataFrame | None = None,
) -> ShapeResult:
    """Build the market shape tables a ``[market]`` config asks for.

    Parameters
    ----------
    market_cfg : the run config's ``[market]`` table (keys in :data:`SHAPE_KEYS`; other
        keys belong to the quality and risk step and are left alone).
    base : the folder relative paths are read from (the run config's folder).
    params : the dated parameters (deflator index, pay floors, NCHC); loaded when None.
    on : the date read when ``as_of`` is not set (e.g. the run's effective date).
    values : ingest's tidy values, for care home occupancy from the returns.
    profile : the decision pack's multi-year budget (``option, service, year, spend``); wins
        over the ``profile`` key.
    option_rates : each option's average rate per service (``option, service, rate``; GBP
        per contact hour, resident week or support hour): the unmet need is costed at each,
        beside any ``unmet_rates`` of the config (:func:`rates_by_service_type`).
    """
    if params is None:
        from ..parameters import load

        params = load()
    base = Path(base)
    issues: list[pd.DataFrame] = []
    result = ShapeResult(as_of=_as_of(market_cfg, on))
    _spend_part(market_cfg, base, issues, result)
    register = _read(market_cfg, "register", base, issues)
    _capacity_part(market_cfg, base, issues, result, register, values, option_rates)
    _movement_part(market_cfg, base, issues, result, register)
    _contract_part(market_cfg, base, issues, result, params)
    _funding_part(market_cfg, base, issues, result, profile)
    if market_cfg.get("nchc"):
        result.tables["nchc_rates"] = nchc_rates(params)
    for name, table in result.tables.items():  # a financial year is written 2026, not 2026.0
        if "year" in table and pd.api.types.is_float_dtype(table["year"]):
            whole = table["year"].dropna()
            if (whole == whole.round()).all():
                result.tables[name] = table.assign(year=table["year"].astype("Int64"))
    parts = [i for i in issues if len(i)]
    result.issues = pd.concat(parts, ignore_index=True) if parts else _no_issues()
    result.summary["issues"] = int(len(result.issues))
    return result


def _no_issues() -> pd.DataFrame:
    from ..ingest.issues import ISSUE_COLUMNS

    return pd.DataFrame({c: pd.Series(dtype=str) for c in ISSUE_COLUMNS})


def _spend_part(cfg, base, issues, result: ShapeResult) -> None:
    spend = _read(cfg, "spend", base, issues)
    if spend is None:
        return
    top = cfg.get("top_providers", [1, 5, 10])
    if not isinstance(top, list) or not all(isinstance(n, int) and n > 0 for n in top):
        raise ConfigError(f"{_where('top_providers')}: a list of whole numbers, e.g. [1, 5, 10]")
    dims = [d for d in SPEND_DIMENSIONS if d != "provider" and (spend[d] != "").any()]
    result.tables["spend_by"] = pd.concat(
        [spend_by(spend, d) for d in [*dims, "provider"]], ignore_index=True
    )
    result.tables["concentration"] = concentration(spend, top)
    result.summary["spend"] = spend_snapshot(spend)


def _capacity_part(cfg, base, issues, result: ShapeResult, register, values, option_rates) -> None:
    if register is not None:
        result.tables["capacity"] = commissioned_capacity(register)
        result.tables["tiers"] = tiers_and_zones(register)
    if values is not None and len(values):
        occupancy = occupancy_from_values(values)
        if len(occupancy):
            result.tables["occupancy"] = occupancy
            usable = occupancy[occupancy["usable"]]
            beds = usable["registered_beds"].sum()
            if beds > 0:
                occupied = usable["occupied_beds"].sum()
                result.summary["care_home_occupancy"] = float(occupied / beds)
    demand = _read(cfg, "demand", base, issues)
    if demand is None:
        demand = _demand_from_capacity(cfg, result)
    if demand is None:
        return
    growth = _number(cfg, "demand_growth_per_year")
    to_year = cfg.get("demand_to_year")
    if to_year is not None and (not isinstance(to_year, int) or isinstance(to_year, bool)):
        raise ConfigError(f"{_where('demand_to_year')}: a year such as 2029, got {to_year!r}")
    if (growth is None) != (to_year is None):
        raise ConfigError(f"{_where('demand_growth_per_year')} and demand_to_year go together")
    capacity = result.tables.get("capacity")
    if capacity is None:
        capacity = pd.DataFrame(columns=["service_type", "locality", "unit", "capacity"])
    gap = capacity_gap(capacity, project_demand(demand, growth, to_year))
    result.tables["capacity_gap"] = gap
    rates = _unmet_rates(cfg)
    if option_rates is not None and register is not None:
        by_type = rates_by_service_type(option_rates, register)
        rates = by_type if rates is None else pd.concat([rates, by_type], ignore_index=True)
    if rates is not None:
        cost = cost_unmet_need(gap, rates)
        result.tables["unmet_cost"] = cost
        by = council_totals(cost).groupby(["option", "year"])["cost_annual"].sum()
        result.summary["unmet_cost_annual"] = {f"{o} {y}": float(v) for (o, y), v in by.items()}


def _demand_from_capacity(cfg, result: ShapeResult) -> pd.DataFrame | None:
    """Today's capacity as the demand of ``demand_from_year`` (no demand file given)."""
    year = cfg.get("demand_from_year")
    if year is None:
        return None
    if not isinstance(year, int) or isinstance(year, bool):
        raise ConfigError(f"{_where('demand_from_year')}: a year such as 2026, got {year!r}")
    if "capacity" not in result.tables:
        raise ConfigError(f"{_where('demand_from_year')} needs the register (its capacity)")
    return demand_from_capacity(result.tables["capacity"], year)


def _movement_part(cfg, base, issues, result: ShapeResult, register) -> None:
    events = _read(cfg, "events", base, issues)
    if events is None:
        return
    result.tables["movement"] = movement_by_year(events)
    if result.as_of is not None and (events["tier"] != "").any():
        result.tables["tiers"] = tier_membership(events, result.as_of)
    losses = result.tables["movement"]
    lost = losses[losses["capacity_change"] < 0]
    result.summary["capacity_lost"] = {
        f"{int(y)} {u}": float(-v)
        for (y, u), v in lost.groupby(["year", "capacity_unit"])["capacity_change"].sum().items()
    }


def _contract_part(cfg, base, issues, result: ShapeResult, params) -> None:
    contracts = _read(cfg, "contracts", base, issues)
    if contracts is not None:
        lead = _number(cfg, "lead_time_months")
        if lead is None:
            raise ConfigError(f"{_where('lead_time_months')} is required with contracts")
        if result.as_of is None:
            raise ConfigError(f"{_where('as_of')} is required with contracts")
        calendar = contract_calendar(contracts, result.as_of, lead)
        result.tables["calendar"] = calendar
        result.summary["contracts_flagged"] = calendar.loc[
            calendar["flagged"], "contract_id"
        ].tolist()
    tables = cfg.get("contract_values")
    if tables is None:
        return
    if not isinstance(tables, list):
        raise ConfigError(f"{_where('contract_values')}: a list of [[market.contract_values]]")
    policies = [
        ContractPolicy.from_config(t, f"{_where('contract_values')}[{k}]")
        for k, t in enumerate(tables)
    ]
    deflator = cfg.get("deflator")
    if deflator is not None and not isinstance(deflator, Mapping):
        raise ConfigError(f'{_where("deflator")}: {{rate = 0.03}} or {{index = "CPI"}}')
    result.tables["contract_values"] = contract_values(policies, params, deflator)


def _funding_part(cfg, base, issues, result: ShapeResult, profile) -> None:
    if profile is None:
        profile = _profile(cfg, base, issues)
    else:
        profile, found = validate("budget_profile", profile)
        issues.append(found)
    if profile is None:
        return
    result.tables["profile"] = profile
    funding = _read(cfg, "funding", base, issues)
    if funding is not None:
        gap = funding_gap(profile, funding)
        result.tables["funding_gap"] = gap
        result.summary["funding_gap"] = {
            f"{o} {y}": float(v)
            for (o, y), v in gap.groupby(["option", "year"])["gap"].sum().items()
        }


def write_shape(result: ShapeResult, out_dir: str | Path) -> dict[str, Path]:
    """Write each table as ``OUT/<name>.csv``, the issues as ``issues.csv`` and the headline
    figures as ``summary.json``; returns what was written by name."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, table in result.tables.items():
        paths[name] = write_csv(table, out / f"{name}.csv")
    paths["issues"] = write_csv(result.issues, out / "issues.csv")
    summary = out / "summary.json"
    summary.write_text(json.dumps(result.summary, indent=2, default=str) + "\n", encoding="utf-8")
    paths["summary"] = summary
    return paths
