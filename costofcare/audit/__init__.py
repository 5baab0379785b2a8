"""The audit trail: what a run read and wrote (``manifest.json``), checking a run again
(``costofcare verify``), and each figure traced to the return cells it came from
(``costs/trace.csv``, ``costofcare trace``).

Modules: :mod:`.clock` (the one time written into outputs, from ``SOURCE_DATE_EPOCH`` or
``run.written``), :mod:`.manifest`, :mod:`.verify`, :mod:`.trace` and :mod:`.commands`.
"""

from .clock import resolve_written_time, written_at, written_time
from .manifest import MANIFEST, build_manifest, sha256_file
from .trace import TRACE_COLUMNS, trace_table
from .verify import Verdict, verify

__all__ = [
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
]
