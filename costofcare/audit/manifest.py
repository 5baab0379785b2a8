"""``manifest.json``: what a run read, what it used and what it wrote, with SHA-256 hashes.

Every run (and the demo) writes a manifest at the top of its output folder:

``manifest_version``
    the layout of this file (1);
``generator``, ``package_version``
    ``costofcare`` and its version;
``written``
    the time written into the outputs (:mod:`costofcare.audit.clock`), which
    ``costofcare verify`` writes again when it recomputes;
``config``
    the run config: its path, SHA-256 and text as read;
``inputs``
    one entry per file read: ``role`` (``config``, ``return``, ``current_rates``,
    ``volumes``, ``comparators``, ``config file`` for any other file the config names, such as
    a drivers file, and ``package data`` for the shipped parameters and indices), ``path``
    (absolute), ``sha256`` and ``bytes``; a return also has ``return_id``, ``template_kind``
    (its service type), ``template_version`` and ``status``;
``returns_folder``
    the folder returns were looked for in (a file added there later is an added input);
``parameters``
    the dated parameters the recommendation used, one entry per row of the run's
    parameters table with every column it carries (``name``, ``value``, ``unit``,
    ``status``, ``source_title``, ``source_url`` ...; an override keeps the status the table
    gives it), and ``non_confirmed``, the names of the figures used that are not confirmed;
``outputs``
    every file in the output folder but the manifest itself, found by walking the folder (so
    files other steps add are listed too): ``path`` (relative, ``/``-separated), ``sha256``,
    ``bytes``.

The manifest is written inside the temporary folder of :func:`costofcare.pipeline.write_run`
before it is renamed into place, so it is complete or absent like every other output.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd

from .. import __version__

__all__ = ["MANIFEST", "MANIFEST_VERSION", "build_manifest", "file_entry", "sha256_file"]

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
_CHUNK = 1 << 20

#: The shipped data files every run reads (dated parameters and price indices).
PACKAGE_DATA = Path(__file__).resolve().parents[1] / "parameters" / "data"


def sha256_file(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def file_entry(path: str | Path, **extra) -> dict:
    """``{path, sha256, bytes, **extra}`` for one file (``path`` as given)."""
    path = Path(path)
    return {"path": str(path), "sha256": sha256_file(path), "bytes": path.stat().st_size, **extra}


def output_entries(folder: Path) -> list[dict]:
    """Every file under ``folder`` but the manifest, sorted by relative path."""
    files = sorted(
        (p for p in folder.rglob("*") if p.is_file() and p.relative_to(folder) != Path(MANIFEST)),
        key=lambda p: p.relative_to(folder).as_posix(),
    )
    return [{**file_entry(p), "path": p.relative_to(folder).as_posix()} for p in files]


def _json_value(value):
    """A table cell as plain JSON data (dates ISO, NaN and None as null)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return _json_value(value.item())
    return value


def _records(table: pd.DataFrame | None) -> list[dict]:
    if table is None:
        return []
    return [{str(k): _json_value(v) for k, v in row.items()} for row in table.to_dict("records")]


def _named_files(data, config_folder: Path, key: str = "") -> Iterator[tuple[str, Path]]:
    """(key, file) for every string in the config's tables that names an existing file,
    relative to the config's folder or absolute (drivers, market files ...)."""
    if isinstance(data, Mapping):
        for k, v in data.items():
            yield from _named_files(v, config_folder, f"{key}.{k}" if key else str(k))
    elif isinstance(data, list | tuple):
        for i, v in enumerate(data):
            yield from _named_files(v, config_folder, f"{key}[{i}]")
    elif isinstance(data, str) and 0 < len(data) < 1024 and "\n" not in data:
        try:
            path = Path(data) if Path(data).is_absolute() else config_folder / data
            if path.is_file():
                yield key, path.resolve()
        except (OSError, ValueError):
            return


def _return_entries(result) -> list[dict]:
    """The returns folder's returns as the run found them, each with its hash and, from the
    returns table, its return id, template kind and version and status."""
    from ..ingest.batch import find_returns

    by_file = {str(row["file"]): row for row in result.returns.to_dict("records")}
    entries = []
    for found in find_returns([result.config.returns]):
        path = Path(found).resolve()
        row = by_file.get(str(found)) or by_file.get(str(path)) or {}
        entries.append(
            file_entry(
                path,
                role="return",
                return_id=_json_value(row.get("return_id")),
                template_kind=_json_value(row.get("service")) or None,
                template_version=_json_value(row.get("template_version")) or None,
                status=_json_value(row.get("status")),
            )
        )
    return entries


def input_entries(result) -> list[dict]:
    """Every file the run read, with its hash (see the module notes for the roles)."""
    cfg = result.config
    source = Path(cfg.source).resolve()
    entries = [file_entry(source, role="config")]
    entries += _return_entries(result)
    for role in ("current_rates", "volumes", "comparators"):
        path = getattr(cfg, role)
        if path is not None:
            entries.append(file_entry(Path(path).resolve(), role=role))
    seen = {e["path"] for e in entries}
    tables = {"recommend": cfg.recommend, "scenarios": cfg.scenarios, "market": cfg.market}
    for key, path in _named_files(tables, source.parent):
        if str(path) not in seen:
            seen.add(str(path))
            entries.append(file_entry(path, role="config file", key=key))
    for path in sorted(PACKAGE_DATA.iterdir()):
        if path.is_file():
            entries.append(file_entry(path.resolve(), role="package data"))
    return entries


def build_manifest(result, outdir: Path, written: dt.datetime) -> dict:
    """The manifest of a run whose outputs are all written under ``outdir``."""
    cfg = result.config
    source = Path(cfg.source).resolve()
    non_confirmed = result.non_confirmed
    return {
        "manifest_version": MANIFEST_VERSION,
        "generator": f"costofcare {__version__}",
        "package_version": __version__,
        "written": written.isoformat(timespec="seconds"),
        "config": {
            "path": str(source),
            "sha256": sha256_file(source),
            "text": source.read_text(encoding="utf-8"),
        },
        "returns_folder": str(Path(cfg.returns).resolve()),
        "inputs": input_entries(result),
        "parameters": {
            "used": _records(result.parameters),
            "non_confirmed": []
            if non_confirmed is None or "name" not in non_confirmed
            else sorted({str(n) for n in non_confirmed["name"]}),
        },
        "outputs": output_entries(outdir),
    }


def write_manifest(result, outdir: Path, written: dt.datetime) -> Path:
    """Write :func:`build_manifest` to ``outdir/manifest.json`` (ASCII JSON: any other
    character escaped, so a file name of any bytes is stored exactly)."""
    path = outdir / MANIFEST
    data = build_manifest(result, outdir, written)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=True) + "\n", encoding="ascii")
    return path
