"""What a table declaration is: :class:`Column` and :class:`Table`.

A declaration says, for every column, its name, kind, unit, allowed values or bounds, what
it means and whether it is required; for the table, its key and the old spellings still
accepted on input. :mod:`costofcare.tables.catalogue` holds the declarations themselves;
:mod:`costofcare.tables.check` validates a DataFrame against one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: Column kinds: what :func:`~costofcare.tables.check.validate` converts each one to.
KINDS = {
    "text": "text (blank allowed unless the column is part of the key)",
    "number": "a number (float); blank is missing",
    "integer": "a whole number; blank is missing",
    "date": "a date written YYYY-MM-DD (or DD/MM/YYYY)",
    "bool": "true or false",
}


@dataclass(frozen=True)
class Column:
    """One column of a table.

    Parameters
    ----------
    name : the one spelling of the column.
    kind : one of :data:`KINDS`.
    unit : what a number is measured in (``"GBP per unit"``, ``"fraction"``, ...); blank for
        text.
    description : one sentence for the documentation page.
    required : whether the column must be present (optional columns are added blank).
    allowed : the closed set of values, or ``None`` when any value is allowed.
    minimum, maximum : bounds for numbers, both ends allowed.
    not_blank : a blank value is an error (key columns are never blank either).
    not_before : another (date) column this one may not be earlier than.
    """

    name: str
    kind: str
    description: str
    unit: str = ""
    required: bool = True
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    not_blank: bool = False
    not_before: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name}: unknown kind {self.kind!r}")


@dataclass(frozen=True)
class Table:
    """One table passed between steps.

    Parameters
    ----------
    name : the table's name (``"unit_costs"``, ``"workforce"``, ...).
    description : what one row is, for the documentation page.
    columns : the columns in their written order.
    key : columns that identify a row (no two rows share them; none is blank).
    renamed : old column name -> today's name, accepted on input with a warning.
    old_values : column -> {old spelling: today's value}, accepted on input with a warning.
        A value of ``None`` means "the service's costing unit" (see
        :data:`~costofcare.tables.catalogue.SERVICE_UNITS`).
    row_label : columns that name a row in a message (``provider 'A'``), when present.
    produced_by : the step that writes the table.
    used_by : the steps that read it.
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    renamed: Mapping[str, str] = field(default_factory=dict)
    old_values: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    row_label: tuple[str, ...] = ("provider",)
    produced_by: str = ""
    used_by: str = ""

    def __post_init__(self) -> None:
        names = self.names
        if len(set(names)) != len(names):
            raise ValueError(f"table {self.name}: a column is declared twice")
        for column in (*self.key, *self.renamed.values(), *self.old_values):
            if column not in names:
                raise ValueError(f"table {self.name}: {column} is not one of its columns")

    @property
    def names(self) -> tuple[str, ...]:
        """Every column name, in order."""
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        """The columns that must be present."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        """The declaration of one column."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name} has no column {name!r}")
