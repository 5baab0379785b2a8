"""The example market's market shape files: register, spend, demand, events, contracts, funding.

Built from the example market (its providers, registration numbers, localities, beds,
hours, current rates and volumes), deterministic for a seed, with a few deliberate faults a
council's files carry (each listed in :data:`SHAPE_FAULTS` with the issue code the run
reports). Written by :func:`write_shape_inputs` into ``DIR/market/``; the example run
config's ``[market]`` table points at them (docs/market-shape.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..csvout import write_csv
from ..money import WEEKS_PER_YEAR
from .market import ExampleMarket

__all__ = ["SHAPE_FAULTS", "shape_tables", "write_shape_inputs"]

#: (file, what is wrong, issue code expected) of each deliberate fault.
SHAPE_FAULTS = (
    ("spend.csv", "an amount typed as 'see invoice'", "unreadable_value"),
    ("spend.csv", "self-directed support option 5", "not_allowed"),
    ("spend.csv", "SDS option written 'Option 2'", "old_spelling"),
    ("demand.csv", "a series given twice for the same year", "duplicate_key"),
    ("events.csv", "a date typed as 31/02/2024", "unreadable_value"),
    ("events.csv", "an event called 'merger'", "not_allowed"),
    ("contracts.csv", "a contract ending before it starts", "out_of_bounds"),
    ("funding.csv", "an amount typed as 'TBC'", "unreadable_value"),
)
_SERVICE_TYPES = {
    "home_care": "Home care",
    "care_home": "Care home for older people",
    "supported_living": "Supported living",
}
_UNITS = {"home_care": "hours_per_week", "care_home": "beds", "supported_living": "hours_per_week"}
_CLIENT_GROUPS = {
    "home_care": ("Older people", "Older people", "Physical disability"),
    "care_home": ("Older people",),
    "supported_living": ("Learning disability", "Learning disability", "Mental health"),
}


def _register(market: ExampleMarket, rng: np.random.Generator) -> pd.DataFrame:
    volumes = market.volumes.set_index(["provider", "service"])["volume_per_week"]
    basis = market.current_rates.set_index(["provider", "service"])["rate_basis"]
    rows, seen = [], set()
    for r in market.returns:
        key = (r.provider, r.service)
        if key in seen or key not in volumes.index:
            continue
        seen.add(key)
        values = r.values
        if r.service == "care_home":
            capacity = float(values.get("registered_beds") or 0) or None
        else:
            capacity = round(float(volumes[key]) * float(rng.uniform(1.05, 1.25)), 0)
        tier, zone = "", ""
        if r.service == "home_care":
            tier = "Tier 1" if basis.get(key) == "framework" else "Tier 2"
            zone = str(values.get("locality", "")) if tier == "Tier 1" else ""
        rows.append(
            {
                "registration_number": values.get("registration_number", ""),
                "provider": r.provider,
                "service_name": values.get("service_name", ""),
                "service": r.service,
                "service_type": _SERVICE_TYPES[r.service],
                "locality": values.get("locality", ""),
                "tier": tier,
                "zone": zone,
                "contract_type": "framework" if basis.get(key) == "framework" else "spot",
                "capacity": capacity,
                "capacity_unit": _UNITS[r.service],
            }
        )
    return pd.DataFrame(rows)


def _spend(market: ExampleMarket, register: pd.DataFrame, rng) -> pd.DataFrame:
    rates = market.current_rates.merge(market.volumes, on=["provider", "service"])
    reg = register.set_index(["provider", "service"])
    rows = []
    for row in rates.itertuples(index=False):
        amount = round(row.current_rate * row.volume_per_week * WEEKS_PER_YEAR, 2)
        groups = _CLIENT_GROUPS[row.service]
        option = str(rng.choice(["1", "2", "3", "3", "3"]))
        rows.append(
            {
                "provider": row.provider,
                "registration_number": reg.loc[(row.provider, row.service), "registration_number"],
                "service_type": _SERVICE_TYPES[row.service],
                "service": row.service,
                "client_group": str(rng.choice(groups)),
                "sds_option": option,
                "contract_status": "under_contract" if row.rate_basis == "framework" else "",
                "contract_type": row.rate_basis,
                "amount": amount,
                "period_start": "2025-04-01",
                "period_end": "2026-03-31",
            }
        )
    frame = pd.DataFrame(rows)
    spot = frame["contract_type"] == "spot"
    under = rng.random(len(frame)) < 0.5
    frame.loc[spot, "contract_status"] = np.where(under[spot], "under_contract", "no_contract")
    frame["amount"] = frame["amount"].map(lambda x: f"{x:.2f}")
    for row, column, typed in ((3, "amount", "see invoice"), (7, "sds_option", "5"),
                               (11, "sds_option", "Option 2")):  # fmt: skip
        if row < len(frame):  # a small market carries only the faults it has rows for
            frame.loc[row, column] = typed
    return frame


def _demand(register: pd.DataFrame) -> pd.DataFrame:
    capacity = register.groupby(["service_type", "locality", "capacity_unit"], as_index=False)[
        "capacity"
    ].sum()
    # need above capacity in two localities of home care, below it elsewhere
    factor = {"North": 1.12, "East": 1.06, "South": 0.95, "West": 0.97, "Central": 0.99}
    rows = []
    for row in capacity.itertuples(index=False):
        need = row.capacity * (
            factor.get(row.locality, 1.0) if row.service_type == "Home care" else 0.98
        )
        rows.append(
            {
                "service_type": row.service_type,
                "locality": row.locality,
                "year": 2025,
                "unit": row.capacity_unit,
                "demand": round(need, 0),
                "waiting": "",
            }
        )
    frame = pd.DataFrame(rows, columns=["service_type", "locality", "year", "unit", "demand",
                                        "waiting"])  # fmt: skip
    if not len(frame):
        return frame
    extra = [dict(frame.iloc[0])]  # the same series twice: a deliberate fault
    home = frame[frame["service_type"] == "Home care"]
    if len(home):
        extra.insert(0, {"service_type": "Home care", "locality": "", "year": 2025,
                         "unit": "hours_per_week", "demand": home["demand"].sum(),
                         "waiting": 410})  # fmt: skip
    return pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)


def _events(register: pd.DataFrame) -> pd.DataFrame:
    home = register[register["service"] == "home_care"].reset_index(drop=True)
    homes = register[register["service"] == "care_home"].reset_index(drop=True)
    rows = []
    for _, row in home.iterrows():
        rows.append(("2022-04-01", "entry", row.provider, row.registration_number,
                     "Home care", row.locality, row.tier, row.zone, "", "", ""))  # fmt: skip
    if len(home):
        a, b, c = (home.iloc[k % len(home)] for k in (2, 5, 1))
        rows += [
            ("2022-11-30", "hand_back", a.provider, a.registration_number, "Home care",
             a.locality, "", "", 180, "hours_per_week", "planned"),
            ("2024-02-01", "hand_back", b.provider, b.registration_number, "Home care",
             b.locality, "", "", 260, "hours_per_week", "unplanned"),
            ("2024-05-01", "merger", c.provider, c.registration_number, "Home care",
             c.locality, "", "", "", "", ""),
        ]  # fmt: skip
    if len(homes):
        d = homes.iloc[0]
        rows.append(("2024-10-01", "entry", d.provider, d.registration_number,
                     "Care home for older people", d.locality, "", "", d.capacity, "beds",
                     ""))  # fmt: skip
    rows += [
        ("2023-06-30", "exit", "Brightside Care Ltd", "1-199990001", "Home care", "North",
         "Tier 2", "", 420, "hours_per_week", "unplanned"),
        ("2023-09-15", "closure", "Old Mill House Ltd", "1-199990002", "Care home for older people",
         "West", "", "", 38, "beds", "planned"),
        ("2025-01-31", "closure", "Harbour View Care Ltd", "1-199990003",
         "Care home for older people", "East", "", "", 29, "beds", "unplanned"),
        ("31/02/2024", "exit", "Typo Care Ltd", "1-199990004", "Home care", "South", "", "",
         90, "hours_per_week", ""),
    ]  # fmt: skip
    columns = ["date", "event", "provider", "registration_number", "service_type", "locality",
               "tier", "zone", "capacity", "capacity_unit", "planned"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _contracts() -> pd.DataFrame:
    rows = [
        ("HC-FW-2022", "Home care framework", "", "Home care", "framework", "2022-04-01",
         "2027-03-31", 12, 18_500_000, ""),
        ("CH-BLOCK-14", "Care home block beds (14 beds)", "Riverside Manor Ltd",
         "Care home for older people", "block", "2023-10-01", "2026-09-30", "", 720_000, ""),
        ("SL-DPS-2024", "Supported living DPS", "", "Supported living", "DPS", "2024-04-01",
         "2030-03-31", 24, 16_000_000, 30),
        ("HC-SPOT-RURAL", "Rural home care (spot)", "", "Home care", "spot", "2021-04-01",
         "2025-12-31", "", 400_000, ""),
        ("CH-NURS-2025", "Nursing beds", "", "Care home for older people", "block",
         "2026-04-01", "2025-03-31", "", 1_100_000, ""),
    ]  # fmt: skip
    columns = ["contract_id", "name", "provider", "service_type", "contract_type", "start",
               "end", "extension_months", "annual_value", "lead_time_months"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _funding() -> pd.DataFrame:
    rows = [
        (2026, "home_care", "Home care budget", "33000000"),
        (2026, "", "Adult social care budget", "44000000"),
        (2027, "home_care", "Home care budget", "34000000"),
        (2027, "", "Adult social care budget", "45500000"),
        (2027, "", "Market sustainability grant", "TBC"),
        (2028, "", "Adult social care budget", "82000000"),
    ]
    return pd.DataFrame(rows, columns=["year", "service", "line", "amount"])


def shape_tables(market: ExampleMarket) -> dict[str, pd.DataFrame]:
    """The example market shape tables (faults included), by file stem."""
    rng = np.random.default_rng(market.seed + 18)
    register = _register(market, rng)
    return {
        "register": register,
        "spend": _spend(market, register, rng),
        "demand": _demand(register),
        "events": _events(register),
        "contracts": _contracts(),
        "funding": _funding(),
    }


def write_shape_inputs(market: ExampleMarket, folder: str | Path) -> dict[str, Path]:
    """Write :func:`shape_tables` as CSV files in ``folder``; returns them by stem."""
    folder = Path(folder)
    return {
        f"market_{name}": write_csv(table, folder / f"{name}.csv")
        for name, table in shape_tables(market).items()
    }
