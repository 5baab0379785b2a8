"""The example market's register, regulator ratings and local monitoring indicators.

Drawn from the example market's returns (one registered service per return, by the
registration number the return carries) with a fixed seed, plus a few services that sent no
return. A few rows carry the faults a council's own files have, each listed in
:data:`QUALITY_FAULTS` with the issue the market step reports:

* a rating not on the CQC scale (``unknown_rating``);
* a rating and an indicator for a registration number the register lacks
  (``not_in_register``);
* a register capacity typed as text (``unreadable_value``);
* a number indicator given as a word (``unreadable_indicator``);
* a CQC rating older than the RAG rules allow (``stale_rating``);
* a published distribution whose percentages add up to 100.6% (``distribution_not_100``).

The indicators are the ten of Rotherham's Provider Risk Dashboard (the RAG configuration in
the example run config) and a contract monitoring score banded as Dumfries & Galloway's.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .market import ExampleMarket

#: Each deliberate fault of the quality files: (file, what is wrong, issue code).
QUALITY_FAULTS = (
    ("ratings.csv", "a CQC rating 'Good-ish', not on the scale", "unknown_rating"),
    ("ratings.csv", "a rating for a registration number not in the register", "not_in_register"),
    ("indicators.csv", "an indicator for a registration number not in the register",
     "not_in_register"),
    ("register.csv", "a capacity typed as 'about forty'", "unreadable_value"),
    ("indicators.csv", "safeguarding decisions given as 'several'", "unreadable_indicator"),
    ("ratings.csv", "a CQC rating from 2021, older than three years", "stale_rating"),
    ("published_distributions.csv", "a 2023 column adding up to 100.6%",
     "distribution_not_100"),
)  # fmt: skip

#: The new care home whose register row has the unreadable capacity (not yet rated).
_UNREADABLE = "1-900000011"
_SERVICE_TYPES = {
    "home_care": "Home care",
    "care_home": "Care home for older people",
    "supported_living": "Supported living",
}
_CQC = ("Outstanding", "Good", "Requires improvement", "Inadequate")
_PAMMS = ("Excellent", "Good", "Requires Improvement", "Poor")


def _register(market: ExampleMarket, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for r in market.returns:
        number = str(r.values.get("registration_number") or "").strip()
        if not number.startswith("1-"):
            continue
        beds = r.values.get("registered_beds")
        rows.append(
            {
                "registration_number": number,
                "provider": r.provider,
                "service_name": r.values.get("service_name", ""),
                "service": r.service,
                "service_type": _SERVICE_TYPES[r.service],
                "locality": r.values.get("locality", ""),
                "contract_type": str(rng.choice(["framework", "framework", "spot"])),
                "contract_end": "2027-03-31",
                "capacity": beds if r.service == "care_home" else "",
                "capacity_unit": "beds" if r.service == "care_home" else "",
            }
        )
    frame = pd.DataFrame(rows).drop_duplicates("registration_number")
    extra = pd.DataFrame(
        [
            ("1-900000011", "Moorside Lodge Ltd", "Moorside Lodge", "care_home", 38),
            ("1-900000029", "Hilltop Support CIC", "Hilltop", "supported_living", None),
        ],
        columns=["registration_number", "provider", "service_name", "service", "capacity"],
    ).assign(
        service_type=lambda f: f["service"].map(_SERVICE_TYPES),
        locality="North",
        contract_type="spot",
        contract_end="2026-09-30",
        capacity_unit=lambda f: np.where(f["service"] == "care_home", "beds", ""),
    )
    frame = pd.concat([frame, extra[frame.columns]], ignore_index=True)
    frame["capacity"] = frame["capacity"].astype(object)
    frame.loc[frame["registration_number"] == _UNREADABLE, "capacity"] = "about forty"
    return frame


def _ratings(register: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for i, number in enumerate(register["registration_number"]):
        rating = str(rng.choice(_CQC, p=[0.08, 0.74, 0.15, 0.03]))
        year = int(rng.integers(2023, 2026))
        day = dt.date(year, int(rng.integers(1, 13)), int(rng.integers(1, 28)))
        if i == 1:
            day = dt.date(2021, 6, 14)  # fault: stale_rating
        rows.append((number, "CQC", "overall", rating, day.isoformat(), "CQC website"))
        if i % 4 == 0:  # an earlier inspection: the distribution over time moves
            earlier = dt.date(day.year - 2, day.month, day.day).isoformat()
            prior = str(rng.choice(_CQC, p=[0.05, 0.6, 0.3, 0.05]))
            rows.append((number, "CQC", "overall", prior, earlier, "CQC website"))
    if len(register) > 2:
        rows.append((register["registration_number"].iloc[2], "CQC", "overall", "Good-ish",
                     "2025-02-03", "typed by hand"))  # fault: unknown_rating  # fmt: skip
    rows.append(("1-999999999", "CQC", "overall", "Good", "2024-05-01", "CQC website"))
    return pd.DataFrame(
        rows, columns=["registration_number", "regulator", "theme", "rating", "date", "source"]
    )


def _indicator_values(service: str, rng: np.random.Generator) -> dict[str, str]:
    """One service's values of Rotherham's dashboard indicators (but the CQC rating)."""
    values = {
        "pamms_outcome": str(rng.choice(_PAMMS, p=[0.2, 0.68, 0.1, 0.02])),
        "safeguarding_decisions": str(int(rng.choice([0] * 12 + [1, 2, 3]))),
        "embargo": str(rng.choice(["no"] * 29 + ["yes"])),
        "default_notice": str(rng.choice(["no"] * 24 + ["yes"])),
        "unexpected_deaths": str(int(rng.choice([0] * 15 + [1]))),
        "substantiated_concerns": str(int(rng.choice([0] * 10 + [1, 1, 2, 5]))),
        "company_in_administration": str(rng.choice(["no"] * 59 + ["yes"])),
        "registered_manager_vacancy": str(rng.choice(["no"] * 9 + ["yes"])),
    }
    if service == "care_home":
        values["food_hygiene_rating"] = str(int(rng.choice([5, 5, 5, 4, 4, 3, 2])))
    if service == "home_care":
        values["contract_monitoring_score"] = f"{int(rng.integers(55, 101))}%"
    return values


def _indicators(register: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for i, (number, service) in enumerate(
        zip(register["registration_number"], register["service"], strict=True)
    ):
        if i == len(register) - 1:
            continue  # the last service has no local monitoring yet: every indicator missing
        for name, value in _indicator_values(service, rng).items():
            if i == 3 and name == "safeguarding_decisions":
                value = "several"  # fault: unreadable_indicator
            rows.append((number, name, value, "2026-03-31", "PAMMS / contract monitoring"))
    rows.append(("1-888888888", "embargo", "yes", "2026-03-31", "contract monitoring"))
    return pd.DataFrame(
        rows, columns=["registration_number", "indicator", "value", "date", "source"]
    )


def _published() -> pd.DataFrame:
    """The council's last two committee reports' CQC distributions, as printed (the 2023
    column, like Rotherham's 2018 one, adds up to 100.6%)."""
    rows = [
        ("Committee report 2023", "2023", "Outstanding", 7.95),
        ("Committee report 2023", "2023", "Good", 38.5),
        ("Committee report 2023", "2023", "Requires improvement", 30.8),
        ("Committee report 2023", "2023", "Inadequate", 7.95),
        ("Committee report 2023", "2023", "Not yet inspected", 15.4),
        ("Committee report 2025", "2025", "Outstanding", 6.7),
        ("Committee report 2025", "2025", "Good", 80.0),
        ("Committee report 2025", "2025", "Requires improvement", 13.3),
        ("Committee report 2025", "2025", "Inadequate", 0.0),
    ]
    return pd.DataFrame(rows, columns=["source", "period", "category", "percent"])


def quality_tables(market: ExampleMarket) -> dict[str, pd.DataFrame]:
    """``register``, ``ratings``, ``indicators`` and ``published_distributions`` of the
    example market (the same market always gives the same tables)."""
    rng = np.random.default_rng([market.seed, 17])
    register = _register(market, rng)
    rated = register[register["registration_number"] != _UNREADABLE]
    return {
        "register": register,
        "ratings": _ratings(rated, rng),
        "indicators": _indicators(rated, rng),
        "published_distributions": _published(),
    }
