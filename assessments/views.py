from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessments.models import Assessment, Brand


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    brands = Brand.objects.visible_to(request.user).order_by("name")
    assessments = (
        Assessment.objects.visible_to(request.user)
        .select_related("brand", "category", "result")
        .order_by("brand__name", "-created_at")
    )
    return render(
        request, "assessments/dashboard.html", {"brands": brands, "assessments": assessments}
    )
