from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from api.receivers import on_assessments_scored
        from assessments.signals import assessments_scored

        assessments_scored.connect(on_assessments_scored, dispatch_uid="api.webhooks.scored")
