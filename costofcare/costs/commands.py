"""``costofcare price SERVICE DRIVERS.toml``: a bottom-up unit price, line by line."""

from __future__ import annotations

import argparse
import io
import json
import sys
from typing import Any

from ..cli import add_verb
from ..csvout import write_csv
from ..errors import ConfigError
from ..money import round_half_up
from .drivers import DRIVER_KEYS, load_drivers_file
from .lines import UNITS
from .price import PriceResult, price

EXAMPLES = """\
examples:
  costofcare price home_care workbooks/examples/drivers/hca-minimum-price-2020-21.toml
  costofcare price home_care my-drivers.toml --format csv > build-up.csv
  costofcare price care_home workbooks/examples/drivers/care-home-example.toml --format json
  costofcare price home_care my-drivers.toml --set pay_rate_per_hour=12.60 --set occupancy=0.95

A drivers file is TOML. Only period_start is required (care homes also need beds, occupancy
and [staff.<line>] tables); every driver left out takes a documented default: figures set in
law (National Living Wage, employer NI, pension, SSP, holiday weeks, mileage rate) from the
dated parameters for the period, other assumptions from the shipped defaults. Every default
used is listed under the build-up. Lines are computed unrounded and shown to 2 decimal
places (half away from zero); the total is the sum of the unrounded lines.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``price`` verb."""
    keys = "\n".join(f"  {k:<38} {desc}" for k, desc in DRIVER_KEYS["home_care"].items())
    care_home_only = {
        k: d for k, d in DRIVER_KEYS["care_home"].items() if k not in DRIVER_KEYS["home_care"]
    }
    keys += "\n\ncare homes also (no travel, mileage or overheads keys):\n" + "\n".join(
        f"  {k:<38} {desc}" for k, desc in care_home_only.items()
    )
    p = add_verb(
        subparsers,
        "price",
        run,
        help="build a bottom-up unit price from a drivers file, line by line",
        description="Build a bottom-up unit price (home care and supported living: £ per "
        "contact/support hour; care homes: £ per occupied resident week) from a small TOML file "
        "of drivers, and print the build-up line by line with £ per unit and % of total.",
        epilog=EXAMPLES + "\nhome care / supported living drivers:\n" + keys + "\n",
    )
    p.add_argument("service", choices=list(UNITS), help="service type")
    p.add_argument("drivers", help="drivers file (TOML)")
    p.add_argument(
        "--format", choices=["table", "csv", "json"], default="table", help="output format"
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override one driver (a number, true/false or text); repeatable",
    )
    p.add_argument(
        "--parameters", metavar="FILE", help="parameter overrides file (see costofcare params)"
    )


def _parse_set(items: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--set {item!r}: write it as KEY=VALUE, e.g. occupancy=0.95")
        text = text.strip()
        value: Any
        if text.lower() in ("true", "false"):
            value = text.lower() == "true"
        else:
            try:
                value = float(text)
            except ValueError:
                value = text
        out[key.strip()] = value
    return out


def run(args: argparse.Namespace) -> int:
    from ..parameters import load

    raw = load_drivers_file(args.drivers)
    raw.update(_parse_set(args.set))
    params = load(args.parameters) if args.parameters else load()
    result = price(raw, args.service, params, where=f"{args.drivers}: ")
    sys.stdout.write(render(result, args.format))
    return 0


def render(result: PriceResult, fmt: str) -> str:
    """The build-up as a text table, CSV or JSON."""
    lines = result.lines
    t = result.totals
    if fmt == "csv":
        buf = io.StringIO()
        write_csv(lines, buf)
        return buf.getvalue()
    if fmt == "json":
        payload = {
            "service": result.service,
            "unit": t["unit"],
            "provider": t["provider"],
            "period_start": t["period_start"],
            "period_end": t["period_end"],
            "lines": lines.to_dict(orient="records"),
            "totals": {
                k: float(t[k])
                for k in (
                    "staffing",
                    "non_staffing",
                    "return",
                    "cost_excluding_return",
                    "total",
                    "staffing_share",
                    "staffing_share_of_price",
                )
            },
            "defaults_used": result.defaults_used.to_dict(orient="records"),
        }
        return json.dumps(payload, indent=2) + "\n"
    unit = t["unit"].replace("_", " ")
    out = [
        f"{t['provider']}: {result.service.replace('_', ' ')}, £ per {unit}, "
        f"{t['period_start']} to {t['period_end']}",
        "",
    ]
    width = max(len(x) for x in lines["cost_line"]) + 2
    out.append(f"{'Cost line':<{width}}{'£/' + unit:>16}{'% of total':>12}  category")
    group = None
    for row in lines.itertuples():
        if row.group != group:
            group = row.group
            out.append(f"{group}:")
        out.append(
            f"  {row.cost_line:<{width - 2}}{round_half_up(row.cost_per_unit):>16.2f}"
            f"{round_half_up(100 * row.share_of_total, 1):>11.1f}%  {row.category}"
        )
    out.append("-" * (width + 40))
    for label, key in (
        ("Staffing", "staffing"),
        ("Non-staffing", "non_staffing"),
        ("Return", "return"),
        ("Total", "total"),
    ):
        share = t[key] / t["total"] * 100 if t["total"] else 0.0
        out.append(
            f"{label:<{width}}{round_half_up(t[key]):>16.2f}{round_half_up(share, 1):>11.1f}%"
        )
    staffing_pct = round_half_up(100 * t["staffing_share"], 1)
    out.append(f"Staffing share of cost (excluding return): {staffing_pct:.1f}%")
    if not result.defaults_used.empty:
        out += ["", "Defaults and dated figures used:"]
        for row in result.defaults_used.itertuples():
            out.append(f"  {row.driver} = {row.value}  ({row.source})")
    return "\n".join(out) + "\n"
