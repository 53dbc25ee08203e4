from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import actions, token_views, views
from api.invitations import InvitationViewSet

router = SimpleRouter()
router.register("auth/tokens", token_views.ApiTokenViewSet, basename="api-auth-token")
router.register("assessments", views.AssessmentViewSet, basename="api-assessment")
router.register("webhooks", views.WebhookEndpointViewSet, basename="api-webhook")
router.register("actions", actions.ActionViewSet, basename="api-action")
router.register("invitations", InvitationViewSet, basename="api-invitation")

v1 = [
    path("auth/token/", token_views.TokenView.as_view(), name="api-token"),
    path("questionnaire/", views.QuestionnaireView.as_view(), name="api-questionnaire"),
    path("benchmark/", views.BenchmarkView.as_view(), name="api-benchmark"),
    *router.urls,
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script from this same URL (?script), not inline; Swagger
    # UI's stylesheet draws its icons as data: URIs, the one thing the site-wide CSP refuses.
    path(
        "docs/",
        csp_update({"img-src": ["'self'", "data:"]})(
            SpectacularSwaggerSplitView.as_view(
                url_name="schema", template_name="api/swagger_ui.html"
            )
        ),
        name="api-docs",
    ),
]
