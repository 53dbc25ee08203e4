from django.contrib import admin
from django.urls import include, path

from readiness import health, metrics

urlpatterns = [
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("health/", health.ready, name="health"),  # the older path: the same as ready
    path("metrics", metrics.metrics, name="metrics"),
    # set_language only: URLs carry no language prefix (see LANGUAGES in settings).
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", include("assessments.urls")),
]

# JSON for paths under /api/, Django's HTML pages elsewhere.
handler400 = "api.error_views.bad_request"
handler403 = "api.error_views.permission_denied"
handler404 = "api.error_views.page_not_found"
handler500 = "api.error_views.server_error"
