"""The market step end to end: files in, tables and issues out; the CLI verb; the run.

A small council's files are written by each test (register, ratings, indicators and a
config); the sustainability figures are worked by hand from a two-provider market.
"""

from __future__ import annotations

import json
import textwrap
from types import SimpleNamespace

import pandas as pd
import pytest

from costofcare.cli import main
from costofcare.errors import ConfigError
from costofcare.market import MarketContext, at_risk_summary, run_market, sustainability
from costofcare.market.run import MarketResult, headline
from costofcare.market.sustainability import Links, option_rows

REGISTER = """\
registration_number,provider,service,service_type,capacity,capacity_unit
1-001,Ash Care Ltd,home_care,Home care,,
1-002,Birch House Ltd,care_home,Care home,40,beds
1-003,Cedar Lodge Ltd,care_home,Care home,lots,beds
1-004,Damson Support,supported_living,Supported living,,
"""
RATINGS = """\
registration_number,regulator,theme,rating,date,source
1-001,CQC,overall,Good,2025-05-01,CQC
1-002,CQC,overall,Inadequate,2025-08-01,CQC
1-002,CQC,overall,Good,2022-08-01,CQC
1-004,CQC,,Superb,2025-01-01,typed
1-009,CQC,overall,Good,2025-01-01,CQC
"""
INDICATORS = """\
registration_number,indicator,value,date,source
1-001,embargo,no,2026-03-01,contract monitoring
1-002,embargo,yes,2026-03-01,contract monitoring
1-004,embargo,no,2026-03-01,contract monitoring
1-001,monitoring_score,82%,2026-03-01,self assessment
1-002,monitoring_score,75%,2026-03-01,self assessment
1-004,monitoring_score,0.6,2026-03-01,self assessment
"""
CONFIG = """\
[market]
register = "register.csv"
ratings = "ratings.csv"
indicators = "indicators.csv"
as_of = 2026-03-31
shares = { embargo = ["yes"] }

[[market.bands]]
name = "monitoring"
indicator = "monitoring_score"
direction = "higher_is_better"
band = [
  { label = "no significant risk", from = 0.75 },
  { label = "moderate", from = 0.61, below = 0.75 },
  { label = "high", below = 0.61 },
]

[market.rag]
missing = "amber"

[[market.rag.rule]]
indicator = "cqc_rating"
red = { in = ["Inadequate"] }
amber = { in = ["Requires improvement"] }
green = { in = ["Good", "Outstanding"] }

[[market.rag.rule]]
indicator = "embargo"
red = { in = ["yes"] }
green = { in = ["no"] }
"""


@pytest.fixture
def council(tmp_path):
    for name, text in (("register.csv", REGISTER), ("ratings.csv", RATINGS),
                       ("indicators.csv", INDICATORS), ("market.toml", CONFIG)):  # fmt: skip
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_cli_writes_every_table_and_reports_every_row_not_used(council, capsys):
    out = council / "out"
    assert main(["market", str(council / "market.toml"), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "3 registered services; RAG 1 red, 1 amber, 1 green" in printed
    folder = out / "market"
    rag = pd.read_csv(folder / "rag.csv", keep_default_na=False).set_index("registration_number")
    # 1-001 Good, no embargo -> green; 1-002 latest rating Inadequate and embargo -> red;
    # 1-004 its rating is not on the scale, so it has none -> cqc_rating missing -> amber
    assert rag["rag"].to_dict() == {"1-001": "green", "1-002": "red", "1-004": "amber"}
    assert rag.loc["1-004", "reasons"] == "cqc_rating missing: amber"
    issues = pd.read_csv(folder / "issues.csv", keep_default_na=False)
    found = {(row.code, row.file.rsplit("/", 1)[-1], str(row.cell)) for row in issues.itertuples()}
    assert found == {
        ("unreadable_value", "register.csv", "4"),  # capacity 'lots'
        ("not_in_register", "ratings.csv", "6"),  # 1-009
        ("unknown_rating", "ratings.csv", "5"),  # 'Superb'
    }
    # 1-003's row could not be used, so its service is not rated; nothing else was dropped
    bands = pd.read_csv(folder / "bands.csv")
    assert bands["count"].tolist() == [2, 0, 1]  # 0.82 and 0.75 (the edge); 0.6
    shares = pd.read_csv(folder / "shares.csv").iloc[0]
    assert (shares["count"], shares["services"], shares["percent"]) == (1, 3, 33)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["quality"]["rag"] == {"red": 1, "amber": 1, "green": 1}
    assert summary["quality"]["bands"]["monitoring"]["no significant risk"] == 2
    indicators = pd.read_csv(folder / "indicators.csv", keep_default_na=False)
    score = indicators[(indicators["indicator"] == "monitoring_score")].iloc[0]
    assert score["file"].endswith("indicators.csv") and str(score["cell"]) == "5"


def test_cli_refuses_an_existing_output_and_a_bad_key(council, capsys):
    out = council / "out"
    assert main(["market", str(council / "market.toml"), "-o", str(out)]) == 0
    assert main(["market", str(council / "market.toml"), "-o", str(out)]) == 2
    assert "already exists and is not empty" in capsys.readouterr().err
    bad = council / "bad.toml"
    bad.write_text(CONFIG.replace("as_of =", "as_at ="), encoding="utf-8")
    assert main(["market", str(bad), "-o", str(council / "o2")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "[market]: unknown key 'as_at'" in err[0]


@pytest.mark.parametrize(
    "change, words",
    [
        (('register = "register.csv"', ""), "[market].register is required"),
        (('direction = "higher_is_better"', 'direction = "up"'), "bands[0].direction"),
        (("from = 0.61, below = 0.75", "from = 0.62, below = 0.75"), "a gap between band"),
        (('red = { in = ["yes"] }', 'red = { matches = "y.*" }'), "unknown operator 'matches'"),
    ],
)
def test_config_problems_are_one_line_naming_the_key(council, change, words):
    text = CONFIG.replace(*change)
    with pytest.raises(ConfigError, match=words.replace("[", r"\[").replace("]", r"\]")):
        import tomllib

        run_market(MarketContext(tomllib.loads(text)["market"], council))


# ----------------------------------------------------------------------- sustainability
def _recs():
    """Two home care providers: P costs £25.00 rolled forward and is offered £24.00; Q costs
    £20.00 and is offered £22.00. Volumes 300 and 100 hours a week."""
    providers = pd.DataFrame(
        {
            "provider": ["P", "Q", "R"],
            "total": [24.0, 19.0, 21.0],
            "rolled_cost": [25.0, 20.0, None],
            "proposed_rate": [24.0, 22.0, None],  # R has no current rate: no proposal
            "volume_per_week": [300.0, 100.0, None],
        }
    )
    return {"home_care": SimpleNamespace(providers=providers)}


def test_gap_and_volume_at_risk_worked_by_hand():
    scenarios = pd.DataFrame(
        {
            "scenario": ["High pay"] * 2,
            "service": ["home_care"] * 2,
            "provider": ["P", "Q"],
            "required_rate": [26.0, 23.0],
        }
    )
    options = option_rows(_recs(), scenarios)
    rag = pd.DataFrame({"registration_number": ["1-P", "1-Q"], "rag": ["red", "amber"]})
    links = Links({("P", "home_care"): ("1-P",)}, {("q", "home_care"): ("1-Q",)})
    table, issues = sustainability(options, rag, links, threshold=0.03, at_risk=("red",))
    assert issues.empty
    got = table.set_index(["option", "provider"])
    # recommended: P (24 - 25) / 25 = -4% (below -3%, red: at risk); Q (22 - 20) / 20 = +10%
    assert got.loc[("recommended", "P"), "gap_share"] == pytest.approx((24 - 25) / 25)
    assert got.loc[("recommended", "P"), "at_risk"]
    assert got.loc[("recommended", "Q"), "gap_share"] == pytest.approx((22 - 20) / 20)
    assert not got.loc[("recommended", "Q"), "below_threshold"]
    assert got.loc[("recommended", "Q"), "registration_numbers"] == "1-Q"  # linked by name
    # High pay: P (24 - 26) / 26 = -7.7% at risk; Q (22 - 23) / 23 = -4.3%, below, amber
    assert got.loc[("High pay", "Q"), "gap_share"] == pytest.approx((22 - 23) / 23)
    assert got.loc[("High pay", "Q"), "below_threshold"]
    assert not got.loc[("High pay", "Q"), "at_risk"]
    assert ("recommended", "R") not in got.index  # no proposed rate: not compared
    summary = at_risk_summary(table).set_index(["option", "service"])
    assert summary.loc[("recommended", "all"), "at_risk"] == 1
    # 300 of the 400 hours a week are P's
    home_care = summary.loc[("recommended", "home_care")]
    assert home_care["share_of_volume_at_risk"] == pytest.approx(300 / 400)
    # spend a week: P 300 x £24.00 = £7,200 of £7,200 + Q 100 x £22.00 = £9,400
    assert summary.loc[("recommended", "all"), "share_of_spend_at_risk"] == pytest.approx(
        300 * 24 / (300 * 24 + 100 * 22)
    )
    # across services volumes are in different units: no volume share for "all"
    assert pd.isna(summary.loc[("recommended", "all"), "share_of_volume_at_risk"])
    amber_too = sustainability(options, rag, links, threshold=0.03, at_risk=("red", "amber"))[0]
    summary = at_risk_summary(amber_too).set_index(["option", "service"])
    assert summary.loc[("High pay", "all"), "at_risk"] == 2
    assert summary.loc[("High pay", "all"), "share_of_spend_at_risk"] == pytest.approx(1.0)


def test_a_provider_linked_to_no_service_has_no_rag_and_an_issue():
    options = option_rows(_recs(), None)
    rag = pd.DataFrame({"registration_number": ["1-P"], "rag": ["red"]})
    table, issues = sustainability(options, rag, Links({("P", "home_care"): ("1-P",)}, {}))
    assert table.set_index("provider").loc["Q", "rag"] == ""
    assert issues["code"].tolist() == ["no_rag"]
    assert "Q (home_care) is linked to no registered service" in issues["message"][0]


def test_a_care_home_market_links_to_the_register_by_its_service():
    # returns and the register say "care_home"; the home is priced in "care_home.nursing"
    links = Links({("Home A", "care_home"): ("1-A",)}, {("home b", "care_home"): ("1-B",)})
    assert links.numbers("Home A", "care_home.nursing") == ["1-A"]
    assert links.numbers("Home B", "care_home.residential") == ["1-B"]  # by name
    assert links.numbers("Home B", "home_care") == []


def test_the_headline_names_both_parts():
    summary = {
        "quality": {"services": 3, "rag": {"red": 1, "amber": 0, "green": 2}},
        "shape": {"spend": {"spend": 1000.0, "providers": 2}, "contracts_flagged": ["C1"]},
    }
    issues = pd.DataFrame({"code": ["x", "y"]})
    text = headline(MarketResult({}, issues, summary, [], None))
    assert text == (
        "3 registered services; RAG 1 red, 0 amber, 2 green; market shape: spend with 2 "
        "providers; 1 contract(s) inside their lead time; 2 issue(s)"
    )


def test_market_config_is_checked_when_a_run_config_is_loaded(tmp_path):
    text = textwrap.dedent(
        """\
        [market]
        register = "register.csv"
        colour = "blue"
        """
    )
    import tomllib

    with pytest.raises(ConfigError, match="unknown key 'colour'"):
        run_market(MarketContext(tomllib.loads(text)["market"], tmp_path))


def test_every_market_key_is_documented():
    import re
    from pathlib import Path

    from costofcare.market import bands, config, rag

    keys = set(config.QUALITY_KEYS) | config._SUSTAINABILITY_KEYS
    keys |= rag._RAG_KEYS | rag._RULE_KEYS | rag._OVERRIDE_KEYS | set(rag.OPERATORS)
    keys |= bands._SET_KEYS | bands._BAND_KEYS
    text = (Path(__file__).resolve().parents[1] / "docs" / "market.md").read_text()
    found = (rf"`{re.escape(k)}`|\b{k} =|\.{k}\]" for k in sorted(keys))
    missing = [p for p in found if not re.search(p, text)]
    assert not missing


def test_an_override_for_a_service_not_in_the_register_is_reported(council):
    import tomllib

    text = CONFIG + textwrap.dedent(
        """
        [[market.rag.override]]
        registration_number = "1-777"
        rag = "red"
        reason = "Closed in January"
        date = 2026-01-31
        """
    )
    result = run_market(MarketContext(tomllib.loads(text)["market"], council))
    stray = result.issues[result.issues["raw_value"] == "1-777"]
    assert stray["code"].tolist() == ["not_in_register"]
    assert "the override was not used" in stray["message"].iloc[0]
    assert "1-777" not in set(result.tables["rag"]["registration_number"])


def test_a_run_checks_its_market_table_before_reading_any_return(tmp_path, monkeypatch):
    import importlib
    from pathlib import Path

    from costofcare.pipeline import run as pipeline_run

    module = importlib.import_module("costofcare.pipeline.run")  # the module, not the function

    examples = Path(__file__).resolve().parents[1] / "workbooks" / "examples"
    text = (examples / "run.toml").read_text(encoding="utf-8")
    for name in ("returns", "current_rates.csv", "volumes.csv", "comparators.csv"):
        text = text.replace(f'"{name}"', f'"{examples / name}"', 1)
    text = text.replace("\nas_of = ", "\nas_at = 2026-03-31\nas_of = ", 1)
    config = tmp_path / "run.toml"
    config.write_text(text, encoding="utf-8")

    def no_ingest(*args, **kwargs):
        raise AssertionError("returns were read before the [market] table was checked")

    monkeypatch.setattr(module, "ingest_returns", no_ingest)
    with pytest.raises(ConfigError, match="\\[market\\]: unknown key 'as_at'"):
        pipeline_run(config, workers=1)


def test_indicators_from_a_return_keep_their_cells():
    from costofcare.market.inputs import indicators_from_returns

    def value(field, number, cell, table="", text=""):
        return {"return_id": "r1", "table": table, "field": field, "value": number,
                "text": text, "file": "hc.xlsx", "sheet": "Staffing", "cell": cell}  # fmt: skip

    values = pd.DataFrame(
        [
            value("registration_number", float("nan"), "B9", text="1-001"),
            value("vacancy_rate", 0.08, "B7"),
            value("staff_turnover_rate", 0.3, "B6"),
            value("share_zero_hours_contracts", 0.4, "B8"),
            value("paid_hours_per_week", 600.0, "F12", "staff_roles"),
            value("paid_hours_per_week", 300.0, "F13", "staff_roles"),
            value("agency_hours_per_week", 100.0, "J12", "staff_roles"),
        ]
    )
    got = indicators_from_returns(values).set_index("indicator")
    assert set(got["registration_number"]) == {"1-001"}
    assert float(got.loc["vacancy_rate", "value"]) == 0.08
    assert got.loc["vacancy_rate", "cell"] == "B7"
    assert float(got.loc["zero_hours_share", "value"]) == 0.4
    # agency hours / (paid + agency hours) = 100 / (600 + 300 + 100)
    assert float(got.loc["agency_share_of_hours", "value"]) == pytest.approx(100 / 1000)
    assert got.loc["agency_share_of_hours", "cell"] == "F12; F13; J12"
