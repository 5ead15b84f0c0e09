"""Background work for copies of personal data. Thin: load by id, call the service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="subject_access.tasks.build_archive", ignore_result=True)
def build_archive(request_id: int) -> None:
    """Build one requested archive (idempotent: a second delivery finds it claimed)."""
    services.access_request_build(request_id=request_id)
