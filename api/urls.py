from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from api import actions, views

router = SimpleRouter()
router.register("assessments", views.AssessmentViewSet, basename="api-assessment")
router.register("webhooks", views.WebhookEndpointViewSet, basename="api-webhook")
router.register("actions", actions.ActionViewSet, basename="api-action")

v1 = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("questionnaire/", views.QuestionnaireView.as_view(), name="api-questionnaire"),
    path("benchmark/", views.BenchmarkView.as_view(), name="api-benchmark"),
    *router.urls,
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
