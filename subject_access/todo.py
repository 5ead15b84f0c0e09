"""HR's to-do items for requests for a copy of someone's personal data: each open request
until HR records that the copy was given, due one month after it was received (UK GDPR
art. 12(3)). Registered with ``reminders.extensions.todo_item_sources``: a request may be
about someone who has left, so it is no deadline of an appraisal cycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.urls import reverse

from organisation.principal import Principal
from reminders.todo import ToDoItem

from . import permissions, selectors


class PersonalDataRequests:
    def items_for(self, principal: Principal, on: dt.date, /) -> Sequence[ToDoItem]:
        if not permissions.may_ask_on_behalf(principal):
            return []
        return [
            ToDoItem(
                label=f"Give {row.staff.full_name} the copy of their personal data asked for",
                url=reverse("subject_access:detail", args=[row.pk]),
                due_on=row.due_on,
                whose=f"{row.staff.full_name}'s request for their data",
                role_label="HR",
                status=status,
                key=f"subject_access-{row.pk}",
            )
            for row, status in selectors.open_deadlines(principal.tenant_id, today=on)
        ]


TODO_ITEMS = PersonalDataRequests()
