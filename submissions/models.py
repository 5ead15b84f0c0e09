"""One row per create form sent: the one-time token it carried and where it led."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class FormSubmission(models.Model):
    """A one-time form token, consumed by the request that saved the form.

    The unique key is what makes a double submission harmless: a second request with the
    same token waits on the index for the first one's transaction and then finds the row
    (see ``submissions.guard``). Rows hold no content, only where the form went.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    path = models.CharField(max_length=400)
    result_url = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="form_submission_once"),
        ]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.path} by {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"
