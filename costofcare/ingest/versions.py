"""Older template versions: read each return by the spec it was made from, then name its
fields as today's template does.

A return records its template version on the hidden ``_template`` sheet. It is read with
that version's spec (so its cells, labels and bounds are the ones the provider saw), and
each field id is carried forward through :data:`FIELD_RENAMES` to the id the latest
version uses, so the tidy output of old and new returns lines up.
"""

from __future__ import annotations

from ..templates.spec import TemplateSpec, get_spec, versions
from .issues import Issue

FIELD_RENAMES: dict[str, dict[str, dict[str, str]]] = {
    # service -> version that made the change -> {id before: id after}.
    # Table columns are written "table.column"; a table itself by its id.
}
"""Field and table renames between template versions, by the version that renamed them."""


def _version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in version.split("."))


def rename_map(service: str, version: str) -> dict[str, str]:
    """Old id -> latest id for a return made from ``version`` of ``service``'s template.

    Renames are applied in version order, so a field renamed twice maps to its last name.
    """
    out: dict[str, str] = {}
    found = _version_key(version)
    for changed_in, renames in sorted(
        FIELD_RENAMES.get(service, {}).items(), key=lambda kv: _version_key(kv[0])
    ):
        if _version_key(changed_in) <= found:
            continue
        for old, new in renames.items():
            for key, value in list(out.items()):
                if value == old:
                    out[key] = new
            out.setdefault(old, new)
    return out


def resolve_spec(service: str, version: str, result) -> tuple[TemplateSpec, str]:
    """The spec to read a return by, and its version as found in the workbook.

    An older known version is read by its own spec (``older_template`` warning); an unknown
    or missing version by the latest spec (``unknown_template_version`` warning). Warnings
    are appended to ``result.issues`` when ``result`` is given.
    """
    known = versions(service)
    latest = known[-1]
    version = (version or "").strip()
    if version in known:
        if version != latest and result is not None:
            renamed = rename_map(service, version)
            note = f"; {len(renamed)} renamed field(s) mapped to today's names" if renamed else ""
            result.issues.append(
                Issue(
                    "older_template",
                    f"made from the {service} template {version}; the latest is {latest}{note}",
                    file=result.file,
                    return_id=result.return_id,
                )
            )
        return get_spec(service, version), version
    if result is not None:
        shown = repr(version) if version else "(none recorded)"
        result.issues.append(
            Issue(
                "unknown_template_version",
                f"template version {shown} is not known; read as the {service} template {latest}",
                file=result.file,
                return_id=result.return_id,
            )
        )
    return get_spec(service, latest), version or latest
