from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from api.receivers import on_assessment_scored
        from assessments.signals import assessment_scored

        assessment_scored.connect(on_assessment_scored, dispatch_uid="api.webhooks.scored")
