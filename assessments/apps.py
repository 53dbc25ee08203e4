import logging

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger(__name__)


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments and benchmark"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created

        from assessments import account_lockout, generations, mfa
        from assessments.models.accounts import remember_language
        from readiness import db

        generations.connect()
        connection_created.connect(db.use_c_timestamps, dispatch_uid="c-timestamps")
        account_lockout.connect()
        user_logged_in.connect(remember_language, dispatch_uid="remember-language")
        user_logged_in.connect(mfa.remember_enrolment, dispatch_uid="remember-enrolment")
        if not settings.REDIS_URL:
            # Said once per process at start, so nobody wonders where the worker went.
            logger.info("REDIS_URL is not set: scoring tasks run in-process, without a worker.")
