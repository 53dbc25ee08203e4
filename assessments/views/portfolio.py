"""The portfolio page and its CSV and XLSX downloads: the same rows, filtered the same way."""

from __future__ import annotations

import csv
import io
from typing import cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from assessments.edition_specs import edition_spec
from assessments.models import Category, Edition
from assessments.portfolio import PortfolioRow, portfolio_for, portfolio_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PortfolioFilterForm(forms.Form):
    category = forms.ChoiceField(required=False, label=gettext_lazy("Category"))
    tier = forms.ChoiceField(required=False, label=gettext_lazy("Tier"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        any_ = [("", _("All"))]
        categories = [(c.slug, c.name) for c in Category.objects.all()]
        cast(forms.ChoiceField, self.fields["category"]).choices = any_ + categories
        spec = edition_spec(Edition.objects.current().pk)
        tiers = sorted(spec.tiers, key=lambda t: -t.min_index)
        cast(forms.ChoiceField, self.fields["tier"]).choices = any_ + [
            (t.key, spec.texts.tier_name(t.key, t.name).get(None) or t.name) for t in tiers
        ]


def _rows(request: HttpRequest) -> tuple[PortfolioFilterForm, list[PortfolioRow]]:
    filters = PortfolioFilterForm(request.GET or None)
    wanted = filters.cleaned_data if filters.is_valid() else {}
    rows = portfolio_for(
        user=request.user, category=wanted.get("category", ""), tier=wanted.get("tier", "")
    )
    return filters, rows


@login_required
@require_GET
def portfolio(request: HttpRequest) -> HttpResponse:
    filters, rows = _rows(request)
    query = request.GET.urlencode()
    return render(
        request,
        "assessments/portfolio.html",
        {"rows": rows, "filters": filters, "query": f"?{query}" if query else ""},
    )


def _header() -> list[str]:
    return [
        _("category"),
        _("rank in category"),
        _("brand"),
        _("brand_slug"),
        _("readiness_index"),
        _("tier"),
        _("change"),
        _("open actions"),
        _("overdue actions"),
        _("last assessed"),
        _("trend"),
    ]


@login_required
@require_GET
def portfolio_csv(request: HttpRequest) -> HttpResponse:
    _filters, rows = _rows(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_header())
    writer.writerows(portfolio_table(rows))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="portfolio.csv"'
    return response


@login_required
@require_GET
def portfolio_xlsx(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook  # imported late: only spreadsheet downloads need it

    _filters, rows = _rows(request)
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = _("Portfolio")[:31]  # Excel's limit on a sheet name
    sheet.append(_header())
    for cells in portfolio_table(rows):
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="portfolio.xlsx"'
    return response
