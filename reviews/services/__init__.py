"""Every write for observations, evidence, the annual review and moderation.

Each service checks the actor's permission (``reviews.permissions.can``), locks
the row it changes, checks the rule of the policy pinned to the cycle, saves with
``update_fields`` and records the actor in history. A refused change raises ``ReviewError``
with a sentence fit to show on the page.
"""

from __future__ import annotations

from ._common import (  # noqa: F401
    _FROZEN_STATES,
    ObservationNeedsConfirmation,
    ReviewError,
    StaleReview,
    _lock_cycle,
    _principal,
    _require,
    _require_open,
    _with_actor,
)
from .evidence import (  # noqa: F401
    _check_objective,
    _require_evidence_access,
    evidence_add_file,
    evidence_add_note,
    evidence_change,
    evidence_change_refusal,
    evidence_withdraw,
)
from .headteacher_copy import (  # noqa: F401
    AdjustmentInput,
    _require_copy_reader,
    headteacher_adjust,
    headteacher_copy_read,
)
from .moderation import MAX_SAMPLE_SIZE, NotModeratedByPolicy, moderation_draw, moderation_record  # noqa: F401
from .observations import (  # noqa: F401
    ObservationInput,
    _formal_count,
    _minutes_used,
    observation_record,
    observation_record_feedback,
)
from .review import (  # noqa: F401
    REVIEW_TEXT_FIELDS,
    Assessment,
    ReviewInput,
    _and_list,
    _lock_review,
    _sync_accountabilities,
    _sync_objectives,
    review_comment,
    review_complete_refusal,
    review_may_start,
    review_missing_for_completion,
    review_reopen,
    review_reopen_refusal,
    review_save,
    review_stage,
    review_start,
)
from .statement import _keep_statement, _stored_statement, statement_for_reader, statement_issue  # noqa: F401
