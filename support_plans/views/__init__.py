"""The concern and support plan pages, one module per part: ``concerns``, ``plans``,
``meetings``; ``_common`` holds what they share."""
