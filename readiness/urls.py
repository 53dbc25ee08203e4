from django.contrib import admin
from django.urls import include, path

from readiness.health import health

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", include("assessments.urls")),
]

# JSON for paths under /api/, Django's HTML pages elsewhere.
handler400 = "api.exceptions.bad_request"
handler403 = "api.exceptions.permission_denied"
handler404 = "api.exceptions.page_not_found"
handler500 = "api.exceptions.server_error"
