"""The brand manager's web pages: dashboard, questionnaire, status and report.

Views only translate HTTP to service calls and back; the rules live in services and models.
"""

from assessments.views.actions import brand_action, brand_actions
from assessments.views.dashboard import assessment_delete, assessment_start, dashboard
from assessments.views.portfolio import portfolio, portfolio_csv, portfolio_xlsx
from assessments.views.questionnaire import assessment_detail, review, step, submit
from assessments.views.report_pages import (
    report,
    report_csv,
    report_pdf,
    report_xlsx,
    status,
    status_json,
)

__all__ = [
    "assessment_delete",
    "assessment_detail",
    "assessment_start",
    "brand_action",
    "brand_actions",
    "dashboard",
    "portfolio",
    "portfolio_csv",
    "portfolio_xlsx",
    "report",
    "report_csv",
    "report_pdf",
    "report_xlsx",
    "review",
    "status",
    "status_json",
    "step",
    "submit",
]
