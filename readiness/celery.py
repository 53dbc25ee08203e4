import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readiness.settings")

app = Celery("readiness")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Celery's Django fixup closes every database connection before and after each task unless a
# reuse count is set: each scoring task then paid for a new PostgreSQL backend (fork, login, cold
# catalogue caches), several milliseconds of a task that does ten (bench/notes/celery.md). With
# the count out of reach, connections are kept as web requests keep them: closed when older than
# CONN_MAX_AGE, or unusable (an error, or a failed health check), before and after each task.
app.conf.CELERY_DB_REUSE_MAX = 2**62


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(sender=None, **kwargs) -> None:
    # Not for a task run in-process (eager): it runs inside the caller's transaction.
    if sender is None or getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


@worker_init.connect
def _freeze_imports_before_forking(**kwargs) -> None:
    # The pool processes are forked from this one: what it has imported (Django, DRF, the app)
    # is shared with them until written to. The garbage collector writes to every object it
    # scans, copying its page into the pool process, and scans them all again and again in a
    # busy process; frozen objects are never scanned. In a bulk rescoring the two-process
    # worker's PSS fell from 252 to 195 MB and its throughput rose a fifth
    # (bench/notes/rescoring.md).
    import gc

    gc.freeze()
