"""What the sign-in pages tell the layers above them (the security log listens)."""

from __future__ import annotations

from django.dispatch import Signal

# A two-step code was refused at sign-in or when confirming it is you. Sent with
# ``request``, ``user`` and ``limited`` (True when the code was not even checked because the
# account has used up its tries for now; False when it was wrong).
two_step_code_refused = Signal()
