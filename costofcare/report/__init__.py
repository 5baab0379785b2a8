"""Report step: the recommendation workbook, provider outcome workbooks, the JSON summary.

All writing of results happens here. Workbooks are written with xlsxwriter through
:class:`~costofcare.report.live.LiveBook`: provider text always as text, every formula with
its computed value.
"""

from .decision import DecisionSummary, decision_summary
from .decisionpage import write_decision_page
from .live import LiveBook, LiveSheet
from .outputs import write_outputs
from .provider import DEFAULT_MIN_COUNT, write_provider_workbook, write_provider_workbooks
from .safe import clean_text, safe_filename
from .summary import summary, write_summary
from .workbook import write_recommendation_workbook

__all__ = [
    "DEFAULT_MIN_COUNT",
    "DecisionSummary",
    "LiveBook",
    "LiveSheet",
    "clean_text",
    "decision_summary",
    "safe_filename",
    "summary",
    "write_provider_workbook",
    "write_provider_workbooks",
    "write_decision_page",
    "write_outputs",
    "write_recommendation_workbook",
    "write_summary",
]
