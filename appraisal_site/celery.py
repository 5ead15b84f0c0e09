"""Celery application.

Tasks are thin: they load rows by id and call a service. With no ``REDIS_URL`` set
(``make run``), tasks run in-process (eagerly), so the demo needs no other service.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appraisal_site.settings")

app = Celery("appraisal_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
