"""API v1: JSON, ``Authorization: Bearer <token>``, OpenAPI at /api/v1/docs.

The NinjaAPI, its exception handlers and the mounting of every app's router, nothing else:
the shared pieces routers use (auth, errors) are in uptake.api.base, below them all.
"""

from __future__ import annotations

from ninja import NinjaAPI

from uptake.api.base import EXCEPTION_HANDLERS, RENDERER, BodyParser, TokenAuth
from uptake.documents.api import router as documents_router
from uptake.fieldwork.api import router as fieldwork_router
from uptake.notify.api import router as notify_router
from uptake.quality.api import router as quality_router
from uptake.reports.api import EXCEPTION_HANDLERS as REPORTS_HANDLERS
from uptake.reports.api import router as reports_router

api = NinjaAPI(
    title="uptake API",
    version="1",
    description="Daily reports of a campaign's units against its targets.",
    auth=TokenAuth(),
    renderer=RENDERER,
    parser=BodyParser(),
    urls_namespace="api",
)

# The shared errors (uptake.api.base), then a report refused by its rules (ReportInvalid).
for exc_class, handler in {**EXCEPTION_HANDLERS, **REPORTS_HANDLERS}.items():
    api.add_exception_handler(exc_class, handler)

# Reports: submission, the day's summary, campaigns, units and a unit's history.
api.add_router("", reports_router)
# The 16:30 report's endpoints (compilations and their documents).
api.add_router("", documents_router)
# Door-to-door visits (#4): the phone page's offline queue sends its visits here.
api.add_router("", fieldwork_router)
# A user's own notifications (#6): reminders, overdue notices, the 16:30 draft, summaries.
api.add_router("", notify_router)
# Data quality (#5): flags of the units' figures, and inspections against a sample.
api.add_router("", quality_router)
# Figures in bulk (#16): the day's workbook, its import, pasted messages, the offline form's queue.
api.add_router("", "uptake.imports.api.router")
