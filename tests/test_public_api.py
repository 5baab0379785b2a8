"""Pin the public API of every package root, so an accidental export shows up in review.

Each root's ``__all__`` is listed here exactly; every name must import and carry its own
docstring (constants aside). The notebooks are the user's first code: they import only from
package roots, and only names those roots export.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

PUBLIC: dict[str, list[str]] = {
    "costofcare": [
        "__version__",
    ],
    "costofcare.parameters": [
        "IndexSet",
        "ParameterValue",
        "Parameters",
        "STATUSES",
        "STATUTORY_PARAMETERS",
        "StatutoryFigures",
        "load",
        "months_in_period",
        "non_confirmed",
        "tax_year_of",
        "to_date",
    ],
    "costofcare.templates": [
        "Field",
        "GenerationSettings",
        "SERVICES",
        "Section",
        "SheetSpec",
        "TEMPLATE_KIND",
        "TEMPLATE_SHEET",
        "Table",
        "TemplateSpec",
        "get_spec",
        "layout",
        "versions",
        "write_for_providers",
        "write_template",
    ],
    "costofcare.ingest": [
        "ArchiveLimits",
        "Coerced",
        "ISSUE_CODES",
        "ISSUE_COLUMNS",
        "IngestResult",
        "IngestSummary",
        "Issue",
        "Rejected",
        "ReturnFiller",
        "ReturnResult",
        "VALUE_COLUMNS",
        "WageFloors",
        "check_archive",
        "coerce",
        "example_return",
        "fill_return",
        "find_returns",
        "ingest_files",
        "iter_returns",
        "read_return",
        "write_outputs",
        "write_validation_workbook",
    ],
    "costofcare.costs": [
        "PriceResult",
        "TIDY_COLUMNS",
        "WageFloor",
        "care_category",
        "care_home_cost_arrays",
        "choose_returns",
        "costs_excluding_fnc",
        "effective_oncost_rates",
        "employer_ni_annual",
        "employer_ni_annual_by_pay_period",
        "employer_pension_annual",
        "employment_allowance_used",
        "holiday_pay_rate",
        "home_care_cost_arrays",
        "load_drivers_file",
        "modelled_unit_cost",
        "overheads_and_surplus",
        "price",
        "reconcile",
        "reported_unit_cost",
        "reported_unit_cost_with_issues",
        "resolve",
        "resolve_frame",
        "statutory_sick_pay_annual",
        "summarise",
        "workforce_from_values",
        "workforce_oncosts_annual",
    ],
    "costofcare.scenarios": [
        "Config",
        "Context",
        "DIFFERENTIALS",
        "Distribution",
        "Indexation",
        "Inputs",
        "LineIndex",
        "MonteCarloConfig",
        "MonteCarloResult",
        "RunSettings",
        "Scenario",
        "ScenarioModel",
        "UserSeries",
        "WAGE_POLICIES",
        "WagePolicy",
        "apply_differential",
        "budget_impact",
        "budget_weeks",
        "config_from_dict",
        "expand_grid",
        "explain_by_line",
        "index_ratio",
        "load_config",
        "make_context",
        "multi_year_impact",
        "run_monte_carlo",
        "run_scenarios",
        "scenario_from_dict",
        "scenario_to_dict",
        "workforce_costs",
    ],
    "costofcare.benchmark": [
        "BASIS_KINDS",
        "ComparatorError",
        "MarketBenchmark",
        "MarketDataError",
        "NearestNeighbours",
        "NeighboursError",
        "flag_outliers",
        "market_statistics",
        "percentile_inc",
        "percentile_positions",
        "percentrank_inc",
        "period_months",
        "plot_comparators",
        "plot_market",
        "provider_costs",
        "quartile_inc",
        "rank_position",
        "rate_coverage",
        "read_comparators",
        "roll_forward",
        "select_comparators",
        "shipped_comparators",
        "validate_comparators",
        "weighted_mean",
        "weighted_percentile",
    ],
    "costofcare.recommend": [
        "BottomUp",
        "BudgetFit",
        "BudgetFloorFirst",
        "BudgetUniform",
        "Figure",
        "Guardrails",
        "METHODS",
        "Method",
        "MethodInputs",
        "OutcomeNote",
        "Percentile",
        "Proposal",
        "RecommendationInputError",
        "RollForward",
        "RolledCosts",
        "Row",
        "ServiceConfig",
        "ServiceRecommendation",
        "WeightedIndex",
        "apply_guardrails",
        "fit_budget",
        "parse_config",
        "parse_service",
        "recommend_all",
        "recommend_service",
        "register",
        "resolve",
        "roll_costs",
        "rolled_cost",
        "weighted_index_uplift",
    ],
    "costofcare.report": [
        "DEFAULT_MIN_COUNT",
        "DecisionSummary",
        "LiveBook",
        "LiveSheet",
        "clean_text",
        "decision_summary",
        "safe_filename",
        "summary",
        "write_decision_page",
        "write_outputs",
        "write_provider_workbook",
        "write_provider_workbooks",
        "write_recommendation_workbook",
        "write_summary",
    ],
    "costofcare.examples": [
        "ExampleInputs",
        "ExampleMarket",
        "ProviderReturn",
        "generate_market",
        "load_example",
        "write_market",
    ],
    "costofcare.pipeline": [
        "MarketTables",
        "RUN_KEYS",
        "RunConfig",
        "RunResult",
        "example_config",
        "load_run_config",
        "market_route",
        "market_tables",
        "market_volumes",
        "read_council_rates",
        "run",
        "write_run",
    ],
    "costofcare.market": [
        "SCALES",
        "SHAPE_KEYS",
        "WAGE_FLOORS",
        "Band",
        "BandSet",
        "Condition",
        "ContractPolicy",
        "MarketContext",
        "MarketPart",
        "MarketResult",
        "PartResult",
        "RagRules",
        "Rule",
        "ShapeResult",
        "activity_change",
        "assess",
        "at_risk_summary",
        "capacity_gap",
        "check_market",
        "check_published",
        "commissioned_capacity",
        "concentration",
        "contract_calendar",
        "contract_value",
        "contract_values",
        "cost_unmet_need",
        "demand_from_capacity",
        "distribution_over_time",
        "funding_gap",
        "good_or_better",
        "herfindahl_index",
        "market_shape_sheet",
        "months_between",
        "movement_by_year",
        "nchc_rates",
        "occupancy_from_values",
        "parse_band_set",
        "parse_rag",
        "project_demand",
        "rating_distribution",
        "read_ratings",
        "run_market",
        "run_shape",
        "service_ratings",
        "simple_profile",
        "spend_by",
        "spend_snapshot",
        "sustainability",
        "theme_grades",
        "tier_membership",
        "tiers_and_zones",
        "value_shares",
        "whole_counts",
        "write_market",
        "write_shape",
    ],
    "costofcare.audit": [
        "MANIFEST",
        "TRACE_COLUMNS",
        "Verdict",
        "build_manifest",
        "resolve_written_time",
        "sha256_file",
        "trace_table",
        "verify",
        "written_at",
        "written_time",
    ],
    "costofcare.tables": [
        "CATEGORIES",
        "COMPARATORS",
        "CURRENT_RATES",
        "Column",
        "INDICATORS",
        "ISSUES",
        "PUBLISHED_DISTRIBUTIONS",
        "RAG",
        "RATINGS",
        "RECOMMENDATIONS",
        "REGISTER",
        "RETURNS",
        "SERVICE_UNITS",
        "SUSTAINABILITY",
        "TABLES",
        "Table",
        "TableError",
        "UNITS",
        "UNIT_COSTS",
        "VALUES",
        "VOLUMES",
        "WORKFORCE",
        "check",
        "get_table",
        "raise_errors",
        "read_table",
        "validate",
    ],
}


def _own_docstring(obj) -> str:
    """The object's own docstring: not one inherited, nor the signature a dataclass writes."""
    if inspect.isclass(obj):
        doc = obj.__dict__.get("__doc__") or ""
        return "" if doc.startswith(f"{obj.__name__}(") else doc.strip()
    return (inspect.getdoc(obj) or "").strip()


def test_every_package_root_is_pinned():
    found = {"costofcare"} | {
        "costofcare." + p.parent.name for p in (ROOT / "costofcare").glob("*/__init__.py")
    }
    if (ROOT / "costofcare" / "pipeline.py").exists():
        found.add("costofcare.pipeline")
    assert found == set(PUBLIC)


@pytest.mark.parametrize("package", sorted(PUBLIC))
def test_exported_names_are_exactly_the_pinned_ones(package):
    module = importlib.import_module(package)
    assert module.__doc__ and module.__doc__.strip(), package
    assert sorted(module.__all__) == sorted(PUBLIC[package])
    assert len(set(module.__all__)) == len(module.__all__), "a name is listed twice"


@pytest.mark.parametrize("package", sorted(PUBLIC))
def test_every_exported_name_imports_and_has_a_docstring(package):
    module = importlib.import_module(package)
    for name in module.__all__:
        obj = getattr(module, name)  # AttributeError: listed but not importable
        if inspect.isclass(obj) or inspect.isroutine(obj):
            assert _own_docstring(obj), f"{package}.{name} has no docstring"


def _notebook_imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) for every import of costofcare in a notebook's code cells."""
    book = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for cell in book["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        # IPython magics and shell lines are not Python
        lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("costofcare"):
                found.append((node.module, [a.name for a in node.names]))
            elif isinstance(node, ast.Import):
                found.extend((a.name, []) for a in node.names if a.name.startswith("costofcare"))
    return found


NOTEBOOK_FILES = sorted(NOTEBOOKS.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=[p.name for p in NOTEBOOK_FILES])
def test_notebooks_import_only_exported_names_from_package_roots(path):
    imports = _notebook_imports(path)
    assert imports, f"{path.name} does not use costofcare"
    for module, names in imports:
        assert module in PUBLIC, f"{path.name}: imports {module}, not a package root"
        for name in names:
            if module == "costofcare" and f"costofcare.{name}" in PUBLIC:
                continue  # from costofcare import scenarios
            assert name in PUBLIC[module], (
                f"{path.name}: {name} is not exported by {module} (its __all__)"
            )


def test_docstring_examples_are_collected_with_the_tests():
    import tomllib

    pytest_options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    options = pytest_options["ini_options"]
    assert "--doctest-modules" in options["addopts"].split()
    assert "costofcare" in options["testpaths"]
