"""Benchmark: reported unit costs with the values indexed once, against per-return filtering.

Ingests the committed example returns (``workbooks/examples/returns``, 66 returns) once,
then in the same run and on the same values table times
:func:`costofcare.costs.reported_unit_cost_with_issues` against the naive approach it
replaced: the previous implementation, kept below, which grouped the values by return and
then filtered each return's frame with a boolean mask for every field, table row and amount
(a pandas call per value looked up, on Arrow strings). The two are interleaved in rounds
(default 3: the package, then the naive version), so both see the same machine; the
speed-up is reported per round and as the median, on CPU time (``time.process_time``) and
wall time. Each round the package is run several times (default 5) and its median taken,
since one call is short. Both results are checked to be identical in the same run.

``--copies K`` repeats the 66 returns K times under new return ids, to show the time grows
with the number of returns.

    .venv/bin/python benchmarks/bench_reported.py
    .venv/bin/python benchmarks/bench_reported.py --copies 4 --rounds 2
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from costofcare.costs import TIDY_COLUMNS, reported_unit_cost_with_issues
from costofcare.costs.lines import UNITS
from costofcare.costs.reported import FRONT_LINE_ONCOSTS, UNIT_FIELDS
from costofcare.costs.reported import STAFF_AMOUNTS as _STAFF_AMOUNTS
from costofcare.errors import UserError
from costofcare.ingest import ingest_files

EXAMPLE_RETURNS = Path(__file__).resolve().parents[1] / "workbooks" / "examples" / "returns"


# --------------------------------------------------------------------------------------
# The naive approach: the previous implementation, unchanged apart from its names.


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def _spec(service: str, version: str | None):
    from costofcare.templates.spec import get_spec

    return get_spec(service, version or None)


def _ref(row: pd.Series) -> str:
    return f"{row['sheet']}!{row['cell']}" if row.get("cell") else str(row.get("field"))


def _single(values: pd.DataFrame, field: str) -> pd.Series | None:
    rows = values[(values["table"] == "") & (values["field"] == field)]
    return None if rows.empty else rows.iloc[0]


def _number(values: pd.DataFrame, field: str) -> float:
    row = _single(values, field)
    return float("nan") if row is None else float(row["value"])


def _date(values: pd.DataFrame, field: str, return_id: str) -> dt.date:
    row = _single(values, field)
    text = "" if row is None else str(row["text"]).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise UserError(
            f"return {return_id}: {field} is missing or not a date ({text!r}); the period "
            "must be stated to put costs on an annual basis"
        ) from None


def _naive_one_return(values: pd.DataFrame, standard_occupancy: float | None) -> list[dict]:
    first = values.iloc[0]
    service, return_id = str(first["service"]), str(first["return_id"])
    spec = _spec(service, str(first.get("template_version", "")) or None)
    start = _date(values, "period_start", return_id)
    end = _date(values, "period_end", return_id)
    days = (end - start).days + 1
    if days <= 0:
        raise UserError(f"return {return_id}: period_end {end} is before period_start {start}")
    weeks = days / 7.0

    # units per period
    denominators: list[tuple[str, float, str]] = []
    if service == "care_home":
        beds = _number(values, "registered_beds")
        occupancy = _number(values, "average_occupancy")
        refs = [
            _ref(r)
            for f in ("registered_beds", "average_occupancy")
            if (r := _single(values, f)) is not None
        ]
        denominators.append(("reported", beds * occupancy * weeks, "; ".join(refs)))
        if standard_occupancy is not None:
            denominators.append(
                (
                    "reported_standard_occupancy",
                    beds * standard_occupancy * weeks,
                    f"{'; '.join(refs[:1])}; standard occupancy {standard_occupancy:g}",
                )
            )
    else:
        field = UNIT_FIELDS[service]
        row = _single(values, field)
        denominators.append(
            ("reported", _number(values, field) * weeks, "" if row is None else _ref(row))
        )

    # annual cost lines: {cost_line: [amount, category, group, refs]}
    lines: dict[str, list] = {}

    def add(cost_line: str, category: str, group: str, amount: float, ref: str) -> None:
        if not np.isfinite(amount) or amount == 0:
            return
        entry = lines.setdefault(cost_line, [0.0, category, group, []])
        entry[0] += amount
        entry[3].append(ref)

    singles = values[values["table"] == ""]
    for f in spec.fields():
        if f.category is None or f.cost_line is None:
            continue
        row = singles[singles["field"] == f.id]
        if not row.empty:
            add(
                f.cost_line,
                f.category,
                getattr(f, "cost_group", "") or "",
                float(row.iloc[0]["value"]),
                _ref(row.iloc[0]),
            )
    tables = {t.id: t for t in spec.tables()}
    if "staff_roles" in tables:
        role_field = next(c for c in tables["staff_roles"].columns if c.id == "role")
        staff = values[values["table"] == "staff_roles"]
        for _, rows in staff.groupby("row"):
            role = rows[rows["field"] == "role"]
            role_text = "" if role.empty else str(role.iloc[0]["text"])
            cost_line = role_field.cost_line_for(role_text) or "Other staffing"
            split = FRONT_LINE_ONCOSTS.get((service, cost_line), {})
            for amount_field in _STAFF_AMOUNTS:
                r = rows[rows["field"] == amount_field]
                if not r.empty:
                    add(
                        split.get(amount_field, cost_line),
                        "staffing",
                        "Staffing",
                        float(r.iloc[0]["value"]),
                        _ref(r.iloc[0]),
                    )
    if "other_costs" in tables:
        from costofcare.templates.spec import COST_GROUP_CATEGORY

        other = values[values["table"] == "other_costs"]
        for _, rows in other.groupby("row"):
            g = rows[rows["field"] == "cost_group"]
            a = rows[rows["field"] == "annual_cost"]
            if a.empty:
                continue
            group = "" if g.empty else str(g.iloc[0]["text"])
            category = COST_GROUP_CATEGORY.get(group, "non_staffing")
            add(
                f"Other {group.lower() or 'costs'}",
                category,
                group,
                float(a.iloc[0]["value"]),
                _ref(a.iloc[0]),
            )

    # return on operations stated only as a rate: rate x costs before the return
    if not any(v[1] == "return" and k == "Return on operations" for k, v in lines.items()):
        rate = _number(values, "return_on_operations_rate")
        if np.isfinite(rate) and rate > 0:
            cost = sum(v[0] for v in lines.values() if v[1] != "return")
            row = _single(values, "return_on_operations_rate")
            add(
                "Return on operations",
                "return",
                "Return",
                rate * cost,
                f"{_ref(row)} x costs before the return",
            )

    out = []
    total_annual = sum(v[0] for v in lines.values())

    def emit(route: str, unit: str, route_lines: dict, units: float, unit_ref: str) -> None:
        for cost_line, (amount, category, group, refs) in route_lines.items():
            out.append(
                {
                    "provider": str(first["provider"]),
                    "return_id": return_id,
                    "service": service,
                    "route": route,
                    "period_start": start.isoformat(),
                    "period_end": end.isoformat(),
                    "unit": unit,
                    "line": _slug(cost_line),
                    "cost_line": cost_line,
                    "category": category,
                    "group": group,
                    "cost_per_unit": amount / units,
                    "share_of_total": amount / total_annual if total_annual else 0.0,
                    "source": f"{'; '.join(refs)} / units ({unit_ref}; {weeks:.3f} weeks)",
                }
            )

    for route, units, unit_ref in denominators:
        if not np.isfinite(units) or units <= 0:
            raise UserError(
                f"return {return_id} ({first['provider']}): no units to divide by "
                f"({UNITS[service].replace('_', ' ')}s from {unit_ref or 'missing fields'})"
            )
        emit(route, UNITS[service], lines, units, unit_ref)
    if service == "supported_living":
        for route, unit, route_lines, units, unit_ref in _naive_nights_apart(
            values, lines, denominators[0][1], denominators[0][2], weeks
        ):
            emit(route, unit, route_lines, units, unit_ref)
    return out


def _naive_nights_apart(
    values: pd.DataFrame, lines: dict, day_units: float, day_ref: str, weeks: float
) -> list[tuple[str, str, dict, float, str]]:
    """Supported living with nights priced the way they are commissioned.

    Route ``reported_nights_apart`` (£ per support hour): waking night hours are support
    hours (``waking_nights_per_week x waking_night_hours_per_night x weeks`` added to the
    daytime hours), and the cost of sleep-ins is taken out of the staffing lines (each
    scaled down by the same share), to be paid per night instead.

    Route ``reported_sleep_in`` (£ per sleep-in night): the pay for one sleep-in
    (``sleep_in_payment_per_night``) plus employer on-costs at the return's own rate
    (employer NI and pension over gross pay in its staffing table; none when the table
    gives no gross pay). Only for returns with sleep-ins.

    A return whose nights cannot be worked out (waking nights without their length, or
    sleep-ins costing more than all its staffing) gets neither route; its ``reported``
    route stands.
    """
    sleep_ins = _number(values, "sleep_ins_per_week")
    pay = _number(values, "sleep_in_payment_per_night")
    waking = _number(values, "waking_nights_per_week")
    waking_length = _number(values, "waking_night_hours_per_night")
    sleep_ins = sleep_ins if np.isfinite(sleep_ins) and sleep_ins > 0 else 0.0
    waking = waking if np.isfinite(waking) and waking > 0 else 0.0
    if sleep_ins and not (np.isfinite(pay) and pay > 0):
        return []
    if waking and not (np.isfinite(waking_length) and waking_length > 0):
        return []

    staff = values[values["table"] == "staff_roles"]
    amounts = staff.groupby("field")["value"].sum(min_count=1)
    gross = float(amounts.get("annual_gross_pay", np.nan))
    on_costs = float(
        np.nansum(
            [amounts.get("employer_ni_annual", 0.0), amounts.get("employer_pension_annual", 0.0)]
        )
    )
    on_cost_rate = on_costs / gross if np.isfinite(gross) and gross > 0 else 0.0
    per_night = pay * (1 + on_cost_rate) if sleep_ins else 0.0
    sleep_in_annual = sleep_ins * weeks * per_night
    staffing_annual = sum(v[0] for v in lines.values() if v[1] == "staffing")
    if sleep_in_annual > staffing_annual:
        return []
    keep = 1 - sleep_in_annual / staffing_annual if staffing_annual else 1.0

    refs = {
        f: _ref(row)
        for f in (
            "sleep_ins_per_week",
            "sleep_in_payment_per_night",
            "waking_nights_per_week",
            "waking_night_hours_per_night",
        )
        if (row := _single(values, f)) is not None
    }
    hourly: dict = {}
    for cost_line, (amount, category, group, line_refs) in lines.items():
        if category == "staffing" and keep != 1.0:
            note = f"x (1 - sleep-in share {1 - keep:.2%})"
            hourly[cost_line] = [amount * keep, category, group, [*line_refs, note]]
        else:
            hourly[cost_line] = [amount, category, group, line_refs]
    units = day_units + (waking * waking_length * weeks if waking else 0.0)
    unit_ref = day_ref
    if waking:
        unit_ref += (
            f" + waking nights {refs.get('waking_nights_per_week', '')} x "
            f"{refs.get('waking_night_hours_per_night', '')} hours"
        )
    routes = [("reported_nights_apart", UNITS["supported_living"], hourly, units, unit_ref)]
    if sleep_ins:
        line = [
            sleep_in_annual,
            "staffing",
            "Staffing",
            [
                f"{refs.get('sleep_in_payment_per_night', '')} x (1 + on-costs "
                f"{on_cost_rate:.2%}: staffing table NI and pension / gross pay)"
            ],
        ]
        routes.append(
            (
                "reported_sleep_in",
                "sleep_in_night",
                {"Sleep-in pay and on-costs": line},
                sleep_ins * weeks,
                f"sleep-ins {refs.get('sleep_ins_per_week', '')}",
            )
        )
    return routes


def naive_reported_unit_cost_with_issues(values, *, standard_occupancy=None):
    """The previous ``reported_unit_cost_with_issues``: per-return boolean filtering."""
    from costofcare.ingest.batch import issues_frame
    from costofcare.ingest.issues import Issue

    rows: list[dict] = []
    issues: list[Issue] = []
    for return_id, group in _by_return(values):
        try:
            rows.extend(_naive_one_return(group, standard_occupancy))
        except UserError as exc:
            first = group.iloc[0]
            issues.append(
                Issue(
                    "unit_cost_not_computed",
                    f"left out of unit costs: {exc}",
                    file=str(first.get("file", "")),
                    return_id=str(return_id),
                    provider=str(first["provider"]),
                )
            )
    return pd.DataFrame(rows, columns=[*TIDY_COLUMNS, "return_id"]), issues_frame(issues)


def _by_return(values: pd.DataFrame):
    """(return_id, values) for each return, with blank ``table`` and ``text`` as ""."""
    if values.empty:
        return iter(())
    v = values.copy()
    v["table"] = v["table"].fillna("").astype(str)
    v["text"] = v["text"].fillna("").astype(str)
    return v.groupby("return_id", sort=False)


# --------------------------------------------------------------------------------------


def example_values(copies: int) -> pd.DataFrame:
    """The example returns' tidy values, repeated ``copies`` times under new return ids."""
    values = ingest_files([EXAMPLE_RETURNS], workers=1).values
    if copies <= 1:
        return values
    frames = []
    for k in range(copies):
        frame = values.copy()
        frame["return_id"] = frame["return_id"] + f"-{k}"
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _timed(fn, *args, **kwargs):
    cpu, wall = time.process_time(), time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.process_time() - cpu, time.perf_counter() - wall


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5, help="package runs per round")
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--standard-occupancy", type=float, default=0.95)
    args = parser.parse_args(argv)

    values = example_values(args.copies)
    occupancy = {"standard_occupancy": args.standard_occupancy}
    print(
        f"{values['return_id'].nunique()} returns, {len(values):,} values "
        f"(standard occupancy {args.standard_occupancy:g})"
    )
    rounds = []
    for r in range(1, max(1, args.rounds) + 1):
        runs = [
            _timed(reported_unit_cost_with_issues, values, **occupancy)
            for _ in range(max(1, args.repeats))
        ]
        fast_cpu = statistics.median(cpu for _, cpu, _ in runs)
        fast_wall = statistics.median(wall for _, _, wall in runs)
        naive, naive_cpu, naive_wall = _timed(
            naive_reported_unit_cost_with_issues, values, **occupancy
        )
        rounds.append((fast_cpu, fast_wall, naive_cpu, naive_wall))
        print(
            f"  round {r}: package {fast_cpu:.3f} s CPU ({fast_wall:.3f} s wall), "
            f"per-return filtering {naive_cpu:.2f} s CPU ({naive_wall:.2f} s wall), "
            f"{naive_cpu / fast_cpu:,.0f} x",
            flush=True,
        )
    fast = runs[0][0]
    for got, want in zip(fast, naive, strict=True):
        pd.testing.assert_frame_equal(got, want, check_exact=True)
    ratios = sorted(n_cpu / f_cpu for f_cpu, _, n_cpu, _ in rounds)
    wall_ratios = sorted(n_wall / f_wall for _, f_wall, _, n_wall in rounds)
    f_cpu, f_wall, n_cpu, n_wall = sorted(rounds, key=lambda x: x[2] / x[0])[len(rounds) // 2]
    print(f"package:               {f_cpu:8.3f} s CPU  {f_wall:8.3f} s wall (median round)")
    print(f"per-return filtering:  {n_cpu:8.3f} s CPU  {n_wall:8.3f} s wall")
    print(
        f"speed-up (CPU):        {statistics.median(ratios):,.0f} x median of {len(rounds)} "
        f"rounds ({ratios[0]:,.0f} x to {ratios[-1]:,.0f} x); wall "
        f"{statistics.median(wall_ratios):,.0f} x; results identical: True "
        f"({len(fast[0]):,} unit cost rows; returns not costed: {len(fast[1])})"
    )


if __name__ == "__main__":
    main()
