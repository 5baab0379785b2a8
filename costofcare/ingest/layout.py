"""Where the template puts each label relative to its input, taken from the writer.

When a return has lost its defined names (its cells were pasted into a blank workbook, or
copied sheet by sheet), an input is found by its label: the reader finds the label's text
and takes the cell at the same offset from it as in the blank template. The offsets come
from :func:`costofcare.templates.writer.layout`, so there is no second description of the
layout to keep in step.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from ..templates.spec import TemplateSpec
from .text import norm_label


@dataclass(frozen=True)
class FieldPlace:
    """Where a single-value field sits in the blank template."""

    sheet: str
    label_row: int
    label_col: int
    row_offset: int
    col_offset: int


@dataclass
class TemplateLayout:
    """Label-to-input offsets of one template version (see the module notes)."""

    fields: dict[str, FieldPlace] = field(default_factory=dict)
    known_labels: frozenset[str] = frozenset()

    def place(self, field_id: str) -> FieldPlace | None:
        """Where ``field_id``'s label and input sit, or None if not learned."""
        return self.fields.get(field_id)


def known_labels(spec: TemplateSpec) -> frozenset[str]:
    """Normalised labels of every field, table and section of a spec (the fallback reader
    stops a table at a row holding one of them, other than the table's own headers)."""
    labels: set[str] = set()
    for sheet in spec.sheets:
        for section in sheet.sections:
            labels.add(norm_label(section.title))
            for item in section.items:
                labels.add(norm_label(item.label))
    return frozenset(labels)


def layout_of(spec: TemplateSpec) -> TemplateLayout:
    """The label-to-input offsets of a spec, from the template writer's own layout.

    The writer puts each single field's label in one column and its input in another on
    the same row; the reader applies the same offset from a label it finds.
    """
    from ..templates.writer import LABEL_COL, layout

    places = layout(spec)
    out = TemplateLayout(known_labels=known_labels(spec))
    for field_id, (sheet, row, col) in places.cells.items():
        out.fields[field_id] = FieldPlace(sheet, row, LABEL_COL, 0, col - LABEL_COL)
    return out


@functools.lru_cache(maxsize=32)
def _layout_cached(service: str, version: str) -> TemplateLayout:
    from ..templates.spec import get_spec

    return layout_of(get_spec(service, version))


def layout_for(spec: TemplateSpec) -> TemplateLayout:
    """The (cached) layout of a spec's template."""
    return _layout_cached(spec.service, spec.version)
