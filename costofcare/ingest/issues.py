"""Issues found while reading returns: one row per problem, with its Excel coordinates.

Validation errors are data (as pandera's ``failure_cases``): nothing raises on the first
problem; every rule appends an :class:`Issue` and the batch carries on. ``ISSUE_CODES`` is
the one list of codes, each with its severity and a sentence a commissioning officer can act
on; the docs page and the validation workbook's key are generated from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..tables.catalogue import ISSUES

ERROR = "error"
WARNING = "warning"

#: Columns of an issue row, declared in :data:`costofcare.tables.ISSUES`.
ISSUE_COLUMNS = ISSUES.names

# code -> (severity, what it means / what to do)
ISSUE_CODES: dict[str, tuple[str, str]] = {
    # whole-return rejections: the return could not be read as a template
    "too_large": (ERROR, "The file is larger than the size limit; it was not opened."),
    "empty_file": (ERROR, "The file is empty."),
    "password_protected": (ERROR, "The workbook is encrypted; ask for it without a password."),
    "legacy_xls": (ERROR, "An Excel 97-2003 .xls file; ask for it saved as .xlsx."),
    "not_a_workbook": (ERROR, "The file is not an .xlsx, .xlsm or .ods workbook."),
    "corrupt_archive": (ERROR, "The workbook is damaged and cannot be opened."),
    "unsafe_archive": (
        ERROR,
        "The workbook's container breaks a safety limit (size once inflated, number of "
        "parts or part names); it was not parsed.",
    ),
    "unsafe_xml": (ERROR, "The workbook's XML uses entities or DTDs, which are refused."),
    "unreadable_workbook": (ERROR, "The cells of the workbook could not be read."),
    "oversized_sheet": (
        ERROR,
        "A sheet of the workbook holds more cells than the limit, or cells far outside the "
        "template in a form that cannot be set aside safely; it was not read. Ask for the "
        "return without the extra data.",
    ),
    "reader_crashed": (
        ERROR,
        "Reading the file stopped the process reading it (the cell reader failed inside, or "
        "ran out of memory); nothing was read from it and the rest of the batch carried on. "
        "Ask for it saved again from the template.",
    ),
    "wrong_template": (
        ERROR,
        "The workbook is not one of our cost of care templates and its inputs could not be "
        "found by their labels either.",
    ),
    "unknown_template_service": (
        WARNING,
        "The template sheet names a service (or kind of workbook) that is not one of ours; "
        "the return was read as the service its named cells or labels match.",
    ),
    "unknown_template_version": (
        WARNING,
        "The template version is not one we know; it was read by the latest version of that "
        "service's template.",
    ),
    # how the return was located
    "older_template": (
        WARNING,
        "The return uses an older template version; renamed fields were mapped to today's.",
    ),
    "located_by_label": (
        WARNING,
        "The input's named cell or table was missing (renamed sheet, or pasted into a blank "
        "workbook); it was found by its label instead. Check the value is the right one.",
    ),
    "table_not_found": (
        ERROR,
        "A table of the template could not be found by its name or its header row.",
    ),
    "column_not_found": (WARNING, "A column of a table could not be found by its header."),
    "unknown_column": (
        WARNING,
        "A table has a column the template does not define; its values were not read.",
    ),
    "name_mismatch": (
        WARNING,
        "A named cell points somewhere other than where the template puts that input (or "
        "covers more than one cell); the message says which cell was read and why. Check "
        "the value is the right one.",
    ),
    "cells_outside_template": (
        WARNING,
        "Cells far outside the area of the template (beyond the margins of the limits) were "
        "not read; the message says how many and where the furthest was.",
    ),
    "rows_not_read": (
        WARNING,
        "More rows were typed below the end of a table than the limit; the rest were not "
        "read. The message says how many.",
    ),
    "text_truncated": (
        WARNING,
        "Text longer than the limit was cut to the limit; the message says which cells.",
    ),
    "issues_not_listed": (
        WARNING,
        "The return has more issues than the limit listed for one return; the message counts "
        "the rest by severity (they still count in the return's status).",
    ),
    "ignored_value": (
        WARNING,
        "A value was typed where the template expects none (e.g. beside a table); not read.",
    ),
    # values as typed
    "unreadable_value": (ERROR, "The value could not be read as the kind the field needs."),
    "assumed": (
        WARNING,
        "The value was ambiguous; the message says how it was read. Check with the provider.",
    ),
    "not_applicable": (
        WARNING,
        "Entered as not applicable (N/A); no figure was taken for this field.",
    ),
    "formula_error": (ERROR, "The cell holds a spreadsheet error (#DIV/0!, #REF!, ...)."),
    # checks
    "required_missing": (ERROR, "A required field is blank."),
    "out_of_bounds": (ERROR, "The value is outside the range the field allows."),
    "implausible": (
        WARNING,
        "The value is allowed but unusual for this field; confirm it with the provider.",
    ),
    "below_wage_floor": (
        WARNING,
        "An hourly pay rate is below the legal minimum wage in force for the return's period.",
    ),
    "zero_pay": (
        ERROR,
        "A staffing row with staff or paid hours gives a basic pay of £0 an hour; its pay "
        "would be priced at nothing. Ask the provider for the rate they pay.",
    ),
    "return_rate_mismatch": (
        WARNING,
        "The surplus reported, as a share of the costs before the return, is far from the "
        "return on operations the provider says it needs; ask whether the surplus is right. "
        "If it is, a margin well below what is needed is a sign of a provider under pressure.",
    ),
    "totals_mismatch": (
        WARNING,
        "Figures that should add up do not (e.g. a total against its parts).",
    ),
    "duplicate_provider": (
        WARNING,
        "Two or more returns name the same provider (and service); both were read and kept "
        "apart; decide which one stands.",
    ),
    "duplicate_file": (
        WARNING,
        "Two files have identical content; both are listed but they are the same return.",
    ),
    # later steps of a run: what a return gave the market (costofcare.pipeline)
    "left_out_with_errors": (
        WARNING,
        "The return has errors, so it was left out of the market statistics and the "
        "recommendation; correct the errors and run again.",
    ),
    "left_out_second_return": (
        WARNING,
        "The provider sent another usable return for the same service; that one was used "
        "(more values read, then the later file name) and this one left out of the market.",
    ),
    "unit_cost_not_computed": (
        ERROR,
        "No unit cost could be worked out for the return (no units to divide by, or no "
        "period stated), so it was left out of the market; ask the provider for the figures.",
    ),
    "fnc_not_worked_out": (
        WARNING,
        "A care home's cost excluding NHS-funded nursing care could not be worked out: no "
        "rate for its period in the parameters (supply one as a parameter override), or a "
        "dual-registered home that gives no residents by type of care. The home is left out "
        "of that statistic only.",
    ),
    "staffing_row_not_used": (
        WARNING,
        "A staffing table row has no headcount, paid hours or basic rate, so it is not in "
        "the workforce the scenarios reprice; its costs still count in the unit costs.",
    ),
    # the council's current rates and volumes matched to the returns (costofcare.pipeline)
    "rate_without_return": (
        ERROR,
        "A current rate matches no return read (by registration number, or by name ignoring "
        "case, spacing, punctuation and Ltd/Limited) for its service; with "
        'run.on_unmatched = "continue" it is priced with no return behind it. Correct the '
        "name or service, or chase the return.",
    ),
    "return_without_rate": (
        ERROR,
        "A return matches no row of the current rates for its service, so its provider gets "
        "no proposed rate; add the rate or correct the name.",
    ),
    "volume_without_rate": (
        ERROR,
        "A volumes row matches no current rate; it was not used (nothing to price it at). "
        "Correct the name or service.",
    ),
    "rate_without_volume": (
        ERROR,
        "A current rate has no volume, so it adds nothing to the spend and budget impact; "
        "add its volume_per_week.",
    ),
    "ambiguous_match": (
        ERROR,
        "A council row matches more than one return or rate, or shares its return or rate "
        "with another row, so it was not used; make the names (or registration numbers) "
        "tell the rows apart.",
    ),
    "name_differs": (
        WARNING,
        "A council row was matched to a return whose provider name is written differently "
        "(matched by registration number, or by the name with case, spacing, punctuation "
        "and Ltd/Limited ignored); it is shown under the return's name.",
    ),
    "care_category_differs": (
        WARNING,
        "A care home's care category in the council's file (residential, nursing or dual) is "
        "not the one its return gives, or the rates and volumes files disagree; the rates "
        "file's category (else the volumes file's) is the market it is priced in.",
    ),
    "care_category_unknown": (
        WARNING,
        "A care home rate has no care category: neither the council's files nor a matched "
        "return give one; it is priced against the pooled care home market.",
    ),
    "enhanced_care_differs": (
        WARNING,
        "The rates and volumes files disagree on whether a care home rate is for enhanced "
        "needs (enhanced_care); the rates file's value is the one priced.",
    ),
    "enhanced_care_ignored": (
        WARNING,
        "A rate of a service other than care homes says enhanced_care true; only care homes "
        "are priced as enhanced, so it is priced in its service's market.",
    ),
    # tables passed between steps (costofcare.tables): CSV lines instead of cells
    "missing_column": (
        ERROR,
        "A table lacks a column it needs; none of its rows could be used. Add the column "
        "(docs/tables.md lists each table's columns).",
    ),
    "not_allowed": (
        ERROR,
        "The value is not one of those the column allows; the message lists them.",
    ),
    "blank_key": (
        ERROR,
        "A column that identifies the row (such as the provider name) is blank, so the row "
        "cannot be matched; fill it in.",
    ),
    "duplicate_key": (
        ERROR,
        "Two or more rows share the columns that identify a row (e.g. the same provider and "
        "service); keep one row for each.",
    ),
    "old_spelling": (
        WARNING,
        "A column name or value uses an old spelling; it was read as today's. Write the new "
        "spelling the message gives.",
    ),
    # the market: register, ratings, indicators and RAG (costofcare/market)
    "unknown_rating": (
        ERROR,
        "A rating that is not on its regulator's scale (CQC's four ratings and not yet "
        "inspected; the Care Inspectorate's grades 1 to 6), or a regulator not known; the row "
        "was not used.",
    ),
    "not_in_register": (
        WARNING,
        "A rating or indicator for a registration number the register does not hold; the row "
        "was not used. Add the service to the register or correct the number.",
    ),
    "unreadable_indicator": (
        WARNING,
        "An indicator value a RAG rule compares as a number is not a number; the indicator "
        "counts as missing for that service.",
    ),
    "stale_rating": (
        WARNING,
        "The latest rating or indicator is older than the RAG rules allow; it counts as the "
        "rules' stale result, not its own.",
    ),
    "outside_bands": (
        WARNING,
        "A value falls in none of the score bands (outside the lowest and highest); it is "
        "counted apart.",
    ),
    "distribution_not_100": (
        WARNING,
        "A distribution's percentages do not add up to 100%; they are kept as given, not "
        "rescaled. Check the source.",
    ),
    "no_rag": (
        WARNING,
        "A provider in the recommendation could not be linked to a registered service "
        "(by the registration number on its return or its name), so it has no RAG.",
    ),
}

REJECTION_CODES = frozenset(
    {
        "too_large",
        "empty_file",
        "password_protected",
        "legacy_xls",
        "not_a_workbook",
        "corrupt_archive",
        "unsafe_archive",
        "unsafe_xml",
        "unreadable_workbook",
        "oversized_sheet",
        "reader_crashed",
        "wrong_template",
    }
)


class Rejected(Exception):
    """A return that cannot be read as a template; the batch records it and carries on.

    Parameters
    ----------
    code : one of :data:`REJECTION_CODES`.
    reason : a sentence for the commissioning officer, naming what is wrong.
    """

    def __init__(self, code: str, reason: str) -> None:
        if code not in REJECTION_CODES:
            raise ValueError(f"unknown rejection code {code!r}")
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem with one return (or one cell of it). Severity follows the code."""

    code: str
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    field: str = ""
    raw_value: str = ""
    return_id: str = ""
    provider: str = ""
    severity: str = ""

    def __post_init__(self) -> None:
        if self.code not in ISSUE_CODES:
            raise ValueError(f"unknown issue code {self.code!r}")
        if not self.severity:
            object.__setattr__(self, "severity", ISSUE_CODES[self.code][0])

    def as_row(self) -> tuple[str, ...]:
        """The issue as a tuple in :data:`ISSUE_COLUMNS` order."""
        return tuple(getattr(self, c) for c in ISSUE_COLUMNS)
