"""The declarative description of a provider cost return, one per service type.

A :class:`TemplateSpec` lists every input of a cost workbook: single-value
:class:`Field` objects (each written to one cell carrying a workbook-scope defined name
equal to its ``id``) and variable-length :class:`Table` objects (each written as an Excel
table named by its ``id``). The writer, the reader, the validator and the field reference
(``docs/fields.md``) are all driven from these objects, so there is one list of inputs.

Conventions
-----------
- Percent fields hold fractions (``0.15`` means 15%); the workbook shows them as percentages.
- Cost lines are annual £ (``unit="GBP/year"``). A cost line field carries ``category``
  (``"staffing"``, ``"non_staffing"`` or ``"return"``), ``cost_group`` (the 2022 Fair Cost of
  Care sub-heading, e.g. ``"Premises"``) and ``cost_line`` (the Fair Cost of Care line label).
  Several fields may share one ``cost_line`` when the return asks for more detail than the
  Fair Cost of Care line (they add up to it).
- Staffing pay is reported per row of the ``staff_roles`` table; the Fair Cost of Care line for
  a row comes from its role, through :meth:`Field.cost_line_for` on the ``role`` column.

Example
-------
>>> from costofcare.templates.spec import get_spec
>>> spec = get_spec("home_care")
>>> spec.field("contact_hours_per_week").unit
'hours/week'
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from ..errors import UserError

SERVICES = ("home_care", "care_home", "supported_living")
"""Service types with a template."""

KINDS = ("money", "number", "integer", "percent", "text", "date", "choice", "bool")
"""Allowed values of :attr:`Field.kind`."""

CATEGORIES = ("staffing", "non_staffing", "return")
"""Allowed values of :attr:`Field.category`."""

COST_GROUP_CATEGORY = {
    "Staffing": "staffing",
    "Travel and equipment": "non_staffing",
    "Premises": "non_staffing",
    "Supplies and services": "non_staffing",
    "Business costs": "non_staffing",
    "Head office": "non_staffing",
    "Return": "return",
}
"""Fair Cost of Care sub-headings (``Field.cost_group``) and the category each belongs to.

The ``cost_group`` column of the ``other_costs`` table takes these names, so the category of
an "other" cost row is ``COST_GROUP_CATEGORY[row.cost_group]``."""

TEMPLATE_KIND = "costofcare_provider_return"
"""Value of the ``kind`` key on the hidden ``_template`` sheet of every cost return."""

TEMPLATE_SHEET = "_template"
"""Name of the hidden sheet identifying template kind, service and version."""

BOOL_CHOICES = ("Yes", "No")
"""How a ``bool`` field is entered in the workbook."""

UNIT_LABELS = {
    "GBP/year": "£ a year",
    "GBP/week": "£ a week",
    "GBP/hour": "£ an hour",
    "GBP/night": "£ a night",
    "GBP/mile": "£ a mile",
    "GBP": "£",
    "hours/week": "hours a week",
    "hours/year": "hours a year",
    "hours/night": "hours a night",
    "nights/week": "nights a week",
    "visits/week": "visits a week",
    "days/year": "days a year",
    "weeks/year": "weeks a year",
    "minutes": "minutes",
    "miles": "miles",
    "fraction": "%",
    "count": "number",
    "text": "",
    "date": "date",
    "choice": "",
}
"""How each unit is shown to a provider beside an input."""


@dataclass(frozen=True)
class Field:
    """One input: a single cell (defined name == ``id``) or one column of a :class:`Table`.

    Parameters
    ----------
    id
        snake_case identifier; the defined name in the workbook and the ``field`` value in
        the tidy output.
    label
        Short label shown beside the input (or as the table column header).
    help
        Guidance for the provider: shown on the sheet and as the cell's input message.
    kind
        One of :data:`KINDS`.
    unit
        Unit of the stored value, e.g. ``"GBP/year"``, ``"hours/week"``, ``"fraction"``.
    required
        The return is incomplete without it (for a table column: a used row needs it).
    min, max
        Hard bounds: a value outside them is an error (and Excel rejects it on entry).
    warn_min, warn_max
        Plausibility bounds: a value outside them is a warning to query with the provider.
    choices
        Allowed entries of a ``choice`` field.
    category, cost_group, cost_line
        Fair Cost of Care grouping of an annual cost line (see the module notes).
    choice_cost_lines
        For a choice column that decides a row's cost line (the staff role): pairs of
        ``(choice, cost_line)``.
    prefill
        A council may fill it when generating the workbook (provider details).
    width
        Column width when the field is a table column.
    """

    id: str
    label: str
    help: str
    kind: str
    unit: str
    required: bool = False
    min: float | None = None
    max: float | None = None
    warn_min: float | None = None
    warn_max: float | None = None
    choices: tuple[str, ...] = ()
    category: str | None = None
    cost_group: str | None = None
    cost_line: str | None = None
    choice_cost_lines: tuple[tuple[str, str], ...] = ()
    prefill: bool = False
    width: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"field {self.id!r}: kind {self.kind!r} is not one of {KINDS}")
        if self.category is not None and self.category not in CATEGORIES:
            raise ValueError(f"field {self.id!r}: category {self.category!r} not in {CATEGORIES}")
        if self.kind == "bool" and not self.choices:
            object.__setattr__(self, "choices", BOOL_CHOICES)
        if self.kind in ("choice", "bool") and not self.choices:
            raise ValueError(f"field {self.id!r}: a {self.kind} field needs choices")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"field {self.id!r}: min {self.min} is above max {self.max}")
        if self.cost_group is not None:
            expected = COST_GROUP_CATEGORY.get(self.cost_group)
            if expected is None or expected != self.category:
                raise ValueError(
                    f"field {self.id!r}: cost_group {self.cost_group!r} does not belong to "
                    f"category {self.category!r}"
                )
        unknown = {c for c, _ in self.choice_cost_lines} - set(self.choices)
        if unknown:
            raise ValueError(f"field {self.id!r}: cost lines for unknown choices {unknown}")

    @property
    def numeric(self) -> bool:
        """True when the value is a number (money, number, integer, percent)."""
        return self.kind in ("money", "number", "integer", "percent")

    @property
    def unit_label(self) -> str:
        """The unit as shown to a provider (``"£ a year"``)."""
        return UNIT_LABELS.get(self.unit, self.unit)

    @property
    def number_format(self) -> str:
        """Excel number format of the field's cells: £ (whole pounds for annual and capital
        sums, pence for rates), 0.0% for fractions, dd/mm/yyyy for dates, text for text."""
        if self.kind == "money":
            return "£#,##0" if self.unit in ("GBP/year", "GBP") else "£#,##0.00"
        return {
            "percent": "0.0%",
            "integer": "#,##0",
            "number": "#,##0.00",
            "date": "dd/mm/yyyy",
        }.get(self.kind, "@")

    def cost_line_for(self, choice: str) -> str | None:
        """The Fair Cost of Care line for one choice of this column (None if not mapped)."""
        return dict(self.choice_cost_lines).get(choice)


@dataclass(frozen=True)
class Table:
    """A variable-length list written as an Excel table (ListObject) named ``id``.

    The header row holds each column's ``label``; :meth:`column_for_header` maps a header
    read back from a workbook to its column. ``rows`` blank rows are provided.
    """

    id: str
    label: str
    help: str
    columns: tuple[Field, ...]
    rows: int

    def __post_init__(self) -> None:
        ids = [c.id for c in self.columns]
        labels = [c.label.casefold() for c in self.columns]
        if len(set(ids)) != len(ids) or len(set(labels)) != len(labels):
            raise ValueError(f"table {self.id!r}: column ids and labels must be unique")

    def column(self, id: str) -> Field:
        """The column with this id; raises KeyError naming the table."""
        for col in self.columns:
            if col.id == id:
                return col
        raise KeyError(f"table {self.id!r} has no column {id!r}")

    def column_for_header(self, header: str) -> Field | None:
        """The column whose label matches a header (case and spacing ignored), else None."""
        by_label = self.__dict__.get("_by_label")
        if by_label is None:  # built once per table (the dataclass is frozen)
            by_label = {}
            for col in self.columns:
                by_label.setdefault(" ".join(col.label.split()).casefold(), col)
            object.__setattr__(self, "_by_label", by_label)
        return by_label.get(" ".join(str(header).split()).casefold())


@dataclass(frozen=True)
class Section:
    """A titled group of inputs on one sheet."""

    title: str
    items: tuple[Field | Table, ...]
    help: str = ""


@dataclass(frozen=True)
class SheetSpec:
    """One input sheet of the workbook."""

    name: str
    sections: tuple[Section, ...]
    help: str = ""


@dataclass(frozen=True)
class TemplateSpec:
    """Everything a cost return for one service type asks for.

    ``service`` is one of :data:`SERVICES`; ``unit`` is the costing unit (``"contact_hour"``,
    ``"resident_week"`` or ``"support_hour"``); ``version`` (e.g. ``"2026.1"``) is written into
    every workbook so older returns stay readable after the spec changes.
    """

    service: str
    version: str
    unit: str
    title: str
    sheets: tuple[SheetSpec, ...]
    guidance: tuple[str, ...] = ()
    _index: dict = dataclass_field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        singles: dict[str, Field] = {}
        tables: dict[str, Table] = {}
        for item in self._items():
            if isinstance(item, Table):
                if item.id in tables or item.id in singles:
                    raise ValueError(f"{self.service}: duplicate id {item.id!r}")
                tables[item.id] = item
            else:
                if item.id in singles or item.id in tables:
                    raise ValueError(f"{self.service}: duplicate id {item.id!r}")
                singles[item.id] = item
        for sheet in self.sheets:
            items = [i for section in sheet.sections for i in section.items]
            tables_at = [n for n, i in enumerate(items) if isinstance(i, Table)]
            if tables_at and tables_at[0] != len(items) - len(tables_at):
                # Rows inserted in a table shift only the table's columns, so anything
                # below it would lose its alignment with its help and units.
                raise ValueError(f"{self.service}: tables must come last on sheet {sheet.name!r}")
            if len(tables_at) > 1:
                raise ValueError(f"{self.service}: sheet {sheet.name!r} has more than one table")
        object.__setattr__(self, "_index", (singles, tables))

    def _items(self):
        for sheet in self.sheets:
            for section in sheet.sections:
                yield from section.items

    def fields(self) -> list[Field]:
        """Single-value fields (one cell each) in workbook order; table columns excluded."""
        return list(self._index[0].values())

    def tables(self) -> list[Table]:
        """Tables in workbook order."""
        return list(self._index[1].values())

    def field(self, id: str, table: str | None = None) -> Field:
        """A single-value field by id, or a table column when ``table`` is given.

        Raises
        ------
        KeyError
            No such field (the message names the service and version).
        """
        if table:
            return self.table(table).column(id)
        try:
            return self._index[0][id]
        except KeyError:
            raise KeyError(f"{self.service} template {self.version} has no field {id!r}") from None

    def table(self, id: str) -> Table:
        """A table by id (KeyError naming the service and version when absent)."""
        try:
            return self._index[1][id]
        except KeyError:
            raise KeyError(f"{self.service} template {self.version} has no table {id!r}") from None

    def sheet_of(self, id: str) -> str:
        """Name of the sheet holding a single field or table."""
        for sheet in self.sheets:
            for section in sheet.sections:
                if any(item.id == id for item in section.items):
                    return sheet.name
        raise KeyError(f"{self.service} template {self.version} has no field or table {id!r}")

    def cost_fields(self) -> list[Field]:
        """Single-value annual cost lines (fields with a ``category``)."""
        return [f for f in self.fields() if f.category is not None]


# ---------------------------------------------------------------------------- registry

_REGISTRY: dict[str, dict[str, TemplateSpec]] = {}


def register(spec: TemplateSpec) -> TemplateSpec:
    """Add a spec to the registry used by :func:`get_spec` (called by each service module)."""
    if spec.service not in SERVICES:
        raise ValueError(f"unknown service {spec.service!r}")
    _REGISTRY.setdefault(spec.service, {})[spec.version] = spec
    return spec


def _version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in version.split("."))


def _load_all() -> None:
    # Importing the service modules registers their specs.
    from . import care_home, home_care, supported_living  # noqa: F401


def versions(service: str) -> list[str]:
    """Known template versions of a service, oldest first."""
    _load_all()
    return sorted(_REGISTRY.get(service, {}), key=_version_key)


def get_spec(service: str, version: str | None = None) -> TemplateSpec:
    """The template spec of a service; the latest version unless ``version`` is given.

    Raises
    ------
    UserError
        Unknown service or version; the message lists the known ones.
    """
    _load_all()
    if service not in SERVICES:
        raise UserError(f"unknown service {service!r}; choose one of: {', '.join(SERVICES)}")
    known = versions(service)
    if version is None:
        return _REGISTRY[service][known[-1]]
    version = str(version).strip()
    if version not in _REGISTRY[service]:
        raise UserError(
            f"no {service} template version {version!r}; known versions: {', '.join(known)}"
        )
    return _REGISTRY[service][version]
