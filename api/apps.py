from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from api.receivers import on_assessments_scored, on_tracked_action_changed
        from assessments.signals import assessments_scored, tracked_action_changed

        assessments_scored.connect(on_assessments_scored, dispatch_uid="api.webhooks.scored")
        tracked_action_changed.connect(
            on_tracked_action_changed, dispatch_uid="api.webhooks.action_updated"
        )
        # JSON logs: django-structlog's request lines carry the X-Request-Id (readiness/logs.py).
        from django_structlog.signals import bind_extra_request_metadata

        from readiness.logs import bind_the_request_id

        bind_extra_request_metadata.connect(
            bind_the_request_id, dispatch_uid="readiness.request_id"
        )
