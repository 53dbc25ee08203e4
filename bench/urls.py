"""The project's URLs plus a bare view: the floor a request costs under the same middleware."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from readiness import urls as project

BARE_PATH = "bench/bare/"
BARE_BODY = {"status": "ok", "detail": "a constant answer, for the benchmark"}


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse(BARE_BODY)


urlpatterns = [path(BARE_PATH, bare, name="bench-bare"), *project.urlpatterns]
handler400 = project.handler400
handler403 = project.handler403
handler404 = project.handler404
handler500 = project.handler500
