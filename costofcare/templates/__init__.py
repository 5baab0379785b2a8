"""templates step: one declarative spec per service type, the workbook writer and field docs.

Public API::

    get_spec(service, version=None) -> TemplateSpec     # the description of a return
    write_template(spec_or_service, path, settings, prefill) -> Path
    GenerationSettings(council, deadline, contact_email, period_start, period_end)
    write_for_providers(service, providers_csv, outdir, settings) -> list[Path]
"""

from .spec import (
    SERVICES,
    TEMPLATE_KIND,
    TEMPLATE_SHEET,
    Field,
    Section,
    SheetSpec,
    Table,
    TemplateSpec,
    get_spec,
    versions,
)
from .writer import GenerationSettings, layout, write_for_providers, write_template

__all__ = [
    "SERVICES",
    "TEMPLATE_KIND",
    "TEMPLATE_SHEET",
    "Field",
    "GenerationSettings",
    "Section",
    "SheetSpec",
    "Table",
    "TemplateSpec",
    "get_spec",
    "layout",
    "versions",
    "write_for_providers",
    "write_template",
]
