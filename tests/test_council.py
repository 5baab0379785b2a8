"""The council's own files checked like the returns: rates and volumes matched to returns.

Each test writes a bad copy of the example ``current_rates.csv`` / ``volumes.csv`` (the
header is line 1, so the example's first provider, Evergreen Homecare Group Ltd, is line 2)
and checks the issue a council analyst would read: its file, line, code and words. The
returns are the example's, as ingest lists them (``truth.csv`` names each provider's file),
with made-up registration numbers.
"""

from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path

import pandas as pd
import pytest

from costofcare.errors import ConfigError
from costofcare.money import WEEKS_PER_YEAR
from costofcare.pipeline import load_run_config, run
from costofcare.pipeline.council import (
    council_line,
    match_council,
    provider_key,
    read_council_files,
    stop_on_unmatched,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "workbooks" / "examples"
RATES = (EXAMPLES / "current_rates.csv").read_text().splitlines()
VOLUMES = (EXAMPLES / "volumes.csv").read_text().splitlines()


def _returns() -> pd.DataFrame:
    truth = pd.read_csv(EXAMPLES / "truth.csv")
    return pd.DataFrame(
        {
            "provider": truth["provider"],
            "service": truth["service"],
            "file": truth["file"],
            "status": "clean",
            "registration_number": [f"1-1000{i:05d}" for i in range(len(truth))],
        }
    )


RETURNS = _returns()


def write(tmp_path: Path, rates: list[str], volumes: list[str] | None = None):
    r = tmp_path / "current_rates.csv"
    r.write_text("\n".join(rates) + "\n")
    v = None
    if volumes is not None:
        v = tmp_path / "volumes.csv"
        v.write_text("\n".join(volumes) + "\n")
    return r, v


def matched(tmp_path, rates, volumes=VOLUMES, returns=RETURNS):
    r, v = write(tmp_path, rates, volumes)
    return match_council(read_council_files(r, v), returns), r, v


def edit(lines: list[str], line: int, old: str, new: str) -> list[str]:
    """``lines`` with ``old`` replaced by ``new`` on file line ``line`` (header = line 1)."""
    out = list(lines)
    assert old in out[line - 1]
    out[line - 1] = out[line - 1].replace(old, new)
    return out


def only(issues: pd.DataFrame, code: str) -> pd.Series:
    rows = issues[issues["code"] == code]
    assert len(rows) == 1, issues[["code", "cell", "message"]].to_string()
    return rows.iloc[0]


def assert_accounted(tables) -> None:
    """Rows in = rows used + rows reported: no line of either file is neither."""
    rows = tables.rows
    assert (rows["used"] | rows["reported"]).all(), rows[~(rows["used"] | rows["reported"])]


def test_the_example_files_match_every_return(tmp_path):
    tables, _, _ = matched(tmp_path, RATES)
    assert tables.issues.empty
    assert len(tables.rates) == 65 and set(tables.rates["matched_by"]) == {"name"}
    assert tables.rows["used"].all() and len(tables.rows) == 130
    # Evergreen's rate and volume, line 2 of each file
    first = tables.rates.iloc[0]
    assert (first["provider"], first["current_rate"], first["volume_per_week"]) == (
        "Evergreen Homecare Group Ltd",
        29.20,
        1309.1,
    )


def test_a_service_spelled_home_care_is_read_as_home_care(tmp_path):
    rates = edit(RATES, 2, ",home_care,", ",Home care,")
    tables, r, _ = matched(tmp_path, rates)
    row = only(tables.issues, "old_spelling")
    assert (row["file"], row["field"], row["raw_value"]) == (str(r), "service", "Home care")
    assert "service 'Home care'" in row["message"] and "first on line 2" in row["message"]
    assert "read as 'home_care'" in row["message"]
    home = tables.rates[tables.rates["service"] == "home_care"]
    assert len(home) == 30 and "Evergreen Homecare Group Ltd" in set(home["provider"])
    # the row still counts in the spend: 29.20 a contact hour for 1,309.1 hours a week
    evergreen = home[home["provider"] == "Evergreen Homecare Group Ltd"].iloc[0]
    spend = evergreen["current_rate"] * evergreen["volume_per_week"] * WEEKS_PER_YEAR
    assert spend == pytest.approx(29.20 * 1309.1 * 365 / 7)
    assert_accounted(tables)


def test_a_provider_name_in_another_case_or_with_limited_is_matched(tmp_path):
    rates = edit(RATES, 2, "Evergreen Homecare Group Ltd", "EVERGREEN HOMECARE GROUP LIMITED")
    rates = edit(rates, 4, "Castle Homecare (Anytown) Ltd", "Castle Homecare Anytown Ltd.")
    tables, r, _ = matched(tmp_path, rates)
    differs = tables.issues[tables.issues["code"] == "name_differs"]
    assert differs["cell"].tolist() == ["2", "4"] and set(differs["file"]) == {str(r)}
    assert differs.iloc[0]["message"] == (
        f"{r} line 2: provider 'EVERGREEN HOMECARE GROUP LIMITED', service home_care matched "
        "the return of 'Evergreen Homecare Group Ltd' by name; it is shown as "
        "'Evergreen Homecare Group Ltd'"
    )
    assert differs.iloc[0]["severity"] == "warning"
    providers = set(tables.rates["provider"])
    assert {"Evergreen Homecare Group Ltd", "Castle Homecare (Anytown) Ltd"} <= providers
    assert "EVERGREEN HOMECARE GROUP LIMITED" in set(tables.rates["provider_as_given"])
    # the volumes file keeps the return's spelling: each volume still finds its rate
    assert tables.rates["volume_per_week"].notna().all()
    assert tables.unmatched.empty
    assert_accounted(tables)


def test_a_registration_number_matches_a_return_under_another_name(tmp_path):
    reg = RETURNS.loc[RETURNS["provider"] == "Wren Care Services Ltd", "registration_number"]
    rates = [RATES[0] + ",registration_number"] + [line + "," for line in RATES[1:]]
    rates = edit(rates, 5, "Wren Care Services Ltd,", "Wren Domiciliary Services,")
    rates[4] = rates[4] + reg.iloc[0].replace("-", " - ")  # spaces ignored
    volumes = edit(VOLUMES, 5, "Wren Care Services Ltd", "Wren Domiciliary Services")
    tables, r, _ = matched(tmp_path, rates, volumes)
    row = only(tables.issues, "name_differs")
    assert (row["file"], row["cell"]) == (str(r), "5")
    assert (
        "matched the return of 'Wren Care Services Ltd' by registration number" in (row["message"])
    )
    wren = tables.rates[tables.rates["provider"] == "Wren Care Services Ltd"].iloc[0]
    assert (wren["matched_by"], wren["volume_per_week"]) == ("registration_number", 804.6)
    assert tables.unmatched.empty
    assert_accounted(tables)


def test_a_rate_with_no_return_is_reported_and_priced(tmp_path):
    rates = [*RATES, "Nowhere Care Ltd,home_care,30.00,GBP/contact_hour,spot,2025-04-07"]
    volumes = [*VOLUMES, "Nowhere Care Ltd,home_care,100,contact_hour"]
    tables, r, _ = matched(tmp_path, rates, volumes)
    row = only(tables.issues, "rate_without_return")
    assert (row["file"], row["cell"], row["field"], row["severity"]) == (
        str(r),
        "67",
        "provider",
        "error",
    )
    assert row["message"] == (
        f"{r} line 67: provider 'Nowhere Care Ltd', service home_care matches no return read "
        "(by registration number or name); it is priced with no return behind it"
    )
    nowhere = tables.rates[tables.rates["provider"] == "Nowhere Care Ltd"].iloc[0]
    assert (nowhere["matched_by"], nowhere["volume_per_week"]) == ("", 100.0)
    assert_accounted(tables)
    with pytest.raises(ConfigError, match=r"current_rates.csv line 67: provider 'Nowhere"):
        stop_on_unmatched(tables, "stop")
    stop_on_unmatched(tables, "continue")


def test_a_return_with_no_rate_is_reported_naming_the_return(tmp_path):
    rates = [line for line in RATES if not line.startswith("Kestrel Home Care Limited,")]
    volumes = [line for line in VOLUMES if not line.startswith("Kestrel Home Care Limited,")]
    tables, r, _ = matched(tmp_path, rates, volumes)
    row = only(tables.issues, "return_without_rate")
    assert (row["file"], row["cell"]) == ("HC07_kestrel-home-care-limited.xlsx", "")
    assert row["message"] == (
        "HC07_kestrel-home-care-limited.xlsx: the return of 'Kestrel Home Care Limited' "
        f"(home_care) matches no current rate in {r}, so it gets no proposed rate"
    )
    assert_accounted(tables)


def test_a_volume_with_no_rate_is_reported_and_not_used(tmp_path):
    volumes = edit(VOLUMES, 3, "Victoria Care at Home Limited", "Victorian Care at Home")
    tables, _, v = matched(tmp_path, RATES, volumes)
    row = only(tables.issues, "volume_without_rate")
    assert (row["file"], row["cell"]) == (str(v), "3")
    assert (
        "provider 'Victorian Care at Home', service home_care matches no current rate"
        in (row["message"])
    )
    # ... so Victoria's rate has no volume: reported on the rates file's line 3
    gap = only(tables.issues, "rate_without_volume")
    assert (gap["file"], gap["cell"], gap["field"]) == (
        str(RATES_PATH(tmp_path)),
        "3",
        "volume_per_week",
    )
    assert "no volume in" in gap["message"]
    rows = tables.rows.set_index(["file", "line"])
    assert not rows.loc[(str(v), 3), "used"] and rows.loc[(str(v), 3), "reported"]
    assert_accounted(tables)


def RATES_PATH(tmp_path: Path) -> Path:  # noqa: N802 - reads like the constant it names
    return tmp_path / "current_rates.csv"


def test_numbers_typed_with_pound_signs_and_thousands_commas_are_read(tmp_path):
    rates = edit(RATES, 2, ",29.2,", ',"£29.20",')
    volumes = edit(VOLUMES, 2, ",1309.1,", ',"1,309.1",')
    tables, _, _ = matched(tmp_path, rates, volumes)
    assert tables.issues.empty
    first = tables.rates.iloc[0]
    assert (first["current_rate"], first["volume_per_week"]) == (29.20, 1309.1)


def test_a_duplicate_row_stops_the_run_naming_the_rates_file(tmp_path):
    rates = [*RATES, RATES[1]]
    r, v = write(tmp_path, rates, VOLUMES)
    with pytest.raises(ConfigError) as caught:
        read_council_files(r, v)
    message = str(caught.value)
    assert f"{r} line 2: provider 'Evergreen Homecare Group Ltd', service 'home_care'" in message
    assert "is on more than one line (2, 67)" in message
    assert "volumes" not in message.replace(str(v), "")


def test_two_spellings_of_one_provider_are_ambiguous_and_neither_is_used(tmp_path):
    rates = [*RATES, RATES[1].replace("Group Ltd", "Group Limited")]
    tables, r, _ = matched(tmp_path, rates)
    ambiguous = tables.issues[tables.issues["code"] == "ambiguous_match"]
    assert ambiguous["cell"].tolist() == ["2", "67"]
    assert "matches the same return as line 67; neither was used" in ambiguous.iloc[0]["message"]
    without = only(tables.issues, "return_without_rate")
    assert without["provider"] == "Evergreen Homecare Group Ltd"
    assert "Evergreen Homecare Group Ltd" not in set(tables.rates["provider"])
    assert_accounted(tables)


def test_rows_in_are_rows_used_plus_rows_reported(tmp_path):
    """Every fault at once: each line of both files is used, reported or both."""
    rates = edit(RATES, 2, ",home_care,", ",Home care,")
    rates = edit(rates, 3, "Victoria Care at Home Limited", "victoria care at home ltd")
    rates = [*rates, "Nowhere Care Ltd,home_care,30.00,GBP/contact_hour,spot,2025-04-07"]
    volumes = [*edit(VOLUMES, 5, "Wren Care Services Ltd", "Wren Care"), "Ghost Ltd,care_home,3,"]
    tables, r, v = matched(tmp_path, rates, volumes)
    rows = tables.rows
    assert len(rows) == 66 + 66
    used = int(rows["used"].sum())
    reported_only = int((rows["reported"] & ~rows["used"]).sum())
    assert used + reported_only == len(rows)
    # not used: the two volumes rows that match no rate (Wren Care, Ghost Ltd)
    assert rows.loc[~rows["used"], ["file", "line"]].values.tolist() == [[str(v), 5], [str(v), 67]]
    codes = tables.unmatched.groupby("code")["cell"].agg(list).to_dict()
    assert codes == {
        "rate_without_return": ["67"],
        "rate_without_volume": ["5", "67"],
        "volume_without_rate": ["5", "67"],
    }


def test_provider_key_rule():
    assert provider_key("The Willow Care Co-operative Ltd") == "willow care co operative"
    assert provider_key("Abbey Manor Care Ltd") == provider_key("abbey  manor care, LIMITED")
    assert provider_key("A & B Care LLP") == provider_key("A and B Care")
    assert provider_key("Bluebell Home Care") != provider_key("Bluebell Homecare")


# -- the run ----------------------------------------------------------------------------------


@pytest.fixture
def bad_run(tmp_path, example_ingest, monkeypatch):
    """A run config on the example with the council files replaced by ``rates``/``volumes``;
    the returns are the example's, read once per test run."""
    run_module = importlib.import_module("costofcare.pipeline.run")
    monkeypatch.setattr(run_module, "ingest_returns", lambda cfg, **kw: example_ingest)

    def make(rates, volumes=VOLUMES, on_unmatched="continue"):
        r, v = write(tmp_path, rates, volumes)
        cfg = load_run_config(EXAMPLES / "run.toml")
        return dataclasses.replace(cfg, current_rates=r, volumes=v, on_unmatched=on_unmatched)

    return make


def test_home_care_spelled_home_care_keeps_the_budget_impact(bad_run, example_cli_run):
    clean = example_cli_run["result"]
    result = run(bad_run(edit(RATES, 2, ",home_care,", ",Home care,")), workers=1)
    assert result.recommendations["home_care"].budget_impact_annual == pytest.approx(
        clean.recommendations["home_care"].budget_impact_annual
    )
    issues = result.issues
    issue = issues[(issues["code"] == "old_spelling") & issues["file"].str.endswith("rates.csv")]
    assert issue["cell"].tolist() == [""] and "first on line 2" in issue.iloc[0]["message"]
    summary = result.summary["council_files"]
    assert summary["unmatched"] == {"rate_without_return": 2}  # the two returns not read
    assert council_line(council_tables(result)).endswith(
        "63 of 65 rates matched to a return; 2 row(s) not matched; 1 warning(s) reading them "
        "(old spellings, assumed numbers) (see the issues)"
    )


def council_tables(result):
    """The run's council tables again, for the command line's one-line count."""
    from costofcare.pipeline.council import CouncilTables

    return CouncilTables(result.rates, result.council_issues, result.council_rows)


def test_a_misspelled_provider_stops_the_run_unless_told_to_carry_on(bad_run):
    rates = edit(RATES, 3, "Victoria Care at Home Limited", "Victoria Homecare")
    with pytest.raises(ConfigError) as caught:
        run(bad_run(rates, on_unmatched="stop"), workers=1)
    message = str(caught.value)
    assert "line 3: provider 'Victoria Homecare', service home_care matches no return" in message
    assert 'set run.on_unmatched = "continue"' in message
    result = run(bad_run(rates), workers=1)
    providers = result.recommendations["home_care"].providers
    # the return and the rate are two providers now: the rate with no costs, the return
    # with no rate (no proposal), each reported
    assert {"Victoria Homecare", "Victoria Care at Home Limited"} <= set(providers["provider"])
    codes = set(result.issues["code"])
    assert {"rate_without_return", "return_without_rate", "volume_without_rate"} <= codes


def test_run_on_unmatched_is_checked(tmp_path):
    cfg = tmp_path / "run.toml"
    text = (EXAMPLES / "run.toml").read_text()
    cfg.write_text(text.replace('on_unmatched = "continue"', 'on_unmatched = "carry on"'))
    (tmp_path / "returns").mkdir()
    for name in ("current_rates.csv", "volumes.csv", "comparators.csv"):
        (tmp_path / name).write_text((EXAMPLES / name).read_text())
    with pytest.raises(ConfigError, match=r"run.on_unmatched must be one of stop, continue"):
        load_run_config(cfg)


@pytest.mark.parametrize("which", ["rates", "volumes"])
def test_a_council_file_with_a_header_and_no_rows_is_one_clear_error(tmp_path, which):
    rates = RATES[:1] if which == "rates" else RATES
    volumes = VOLUMES[:1] if which == "volumes" else VOLUMES
    r, v = write(tmp_path, rates, volumes)
    with pytest.raises(ConfigError) as caught:
        read_council_files(r, v)
    empty = r if which == "rates" else v
    assert str(caught.value) == (
        f"{empty}: no rows below the header; the run needs the council's rates and volumes"
    )


def test_a_run_config_that_is_not_utf8_is_one_clear_error(tmp_path, capsys):
    from costofcare.cli import main

    config = tmp_path / "run.toml"
    config.write_bytes(b'[run]\ncouncil = "Caf\xe9 Council"\n')  # Latin-1, not UTF-8
    assert main(["run", str(config), "-o", str(tmp_path / "out"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    # the bad byte is at offset len("[run]\n") + len('council = "Caf') = 6 + 14 = 20
    assert f"{config}: not UTF-8 text (byte 20); save the config as UTF-8" in err
    assert "Traceback" not in err
