"""Schema versions of a stored policy document, and the chain that brings an old one up to date.

A stored ``PolicyVersion.settings`` document says which schema version it was written in
(``schema_version``; a document without one is version 1, as every document stored before
versioning is). The document model refuses unknown keys, so renaming, moving or dropping a
setting would make every stored version fail to load; instead each such change bumps
``CURRENT_SCHEMA_VERSION`` and adds one function to ``UPGRADES`` that takes a document of
the version before to the new one. ``upgrade_document`` runs the chain before validation,
on every load (so a document from a backup or a fixture still loads) and in the data
migrations that rewrite the stored versions.

An upgrade never changes what a stored version does: it moves a value to where the new
schema keeps it, or drops one the engine never read. Each function works on a plain nested
dict that may be partial (a fixture or an early document sets only what it changes) and
must leave a key it does not know alone, so that validation reports it.

Adding version N+1: write ``_vN_to_vN1``, append it to ``UPGRADES``, bump
``CURRENT_SCHEMA_VERSION``, add a data migration in ``policies/migrations`` that upgrades
the stored versions to N+1 (as ``0002_policy_documents_schema_version_2`` does for 2), and
add a version-N document to ``tests/policies/test_upgrades.py``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

SCHEMA_VERSION_KEY = "schema_version"
CURRENT_SCHEMA_VERSION = 3

Document = dict[str, Any]


class SchemaVersionError(ValueError):
    """A document names a schema version this code cannot read."""


def _section(doc: Document, name: str) -> dict[str, Any] | None:
    value = doc.get(name)
    return value if isinstance(value, dict) else None


def _v1_to_v2(doc: Document) -> Document:
    """Version 2: one rule per setting.

    - ``wellbeing.notes_only_with_consent`` said the same thing as
      ``conversations.notes_need_consent`` (aspire §6.4a and §8.2 both set it). Only the
      conversations setting was ever read: it decides whether a conversation's agreed notes
      need the member of staff's consent. Wellbeing notes are kept only with consent
      whatever a policy says (the consent record is what lets them exist), so the wellbeing
      setting changed nothing and is dropped, not moved: moving it could change what the
      conversations setting does for a version that set the two differently.
    - Whether the CEO reads the headteacher's appraisal was decided by looking for "ceo" in
      the free-text list of who the committee always includes (leger §7: "The trust CEO").
      It is now the typed ``headteacher.ceo_on_committee``, set here from that same test so
      every stored version grants exactly what it granted before.
    """
    wellbeing = _section(doc, "wellbeing")
    if wellbeing is not None:
        wellbeing.pop("notes_only_with_consent", None)
    headteacher = _section(doc, "headteacher")
    if headteacher is not None and "ceo_on_committee" not in headteacher:
        members = headteacher.get("committee_includes")
        if isinstance(members, list | tuple) and any(
            isinstance(member, str) and "ceo" in member.lower() for member in members
        ):
            headteacher["ceo_on_committee"] = True
    return doc


# The readers version 3 no longer offers, and what an emptied list falls back to.
_DROPPED_READERS_V3 = ("governing_body",)
_DEFAULT_READERS = ["reviewer", "reviewee", "headteacher"]


def _v2_to_v3(doc: Document) -> Document:
    """Version 3: governors never read a named record.

    The product's rule is that governors and trustees see anonymised reports only (a
    governor reads a named appraisal only as a member of the headteacher's review
    committee, by a grant on that one cycle). leger §12 lists "the Academy Governing Body"
    among those with access and in the same paragraph says information is anonymised when
    shared with governors; the reader list could not say both, and until version 3 the
    engine never let a governor read through it. So ``governing_body`` leaves
    ``confidentiality.readers``: every stored version grants what it always granted. A
    list left empty (it named only the governing body) gets the document's default
    readers, which is what a policy silent on readers has always had.
    """
    confidentiality = _section(doc, "confidentiality")
    if confidentiality is not None:
        readers = confidentiality.get("readers")
        if isinstance(readers, list | tuple):
            kept = [r for r in readers if r not in _DROPPED_READERS_V3]
            confidentiality["readers"] = kept or list(_DEFAULT_READERS)
    return doc


# UPGRADES[n - 1] takes a version-n document to version n + 1, in order.
UPGRADES: tuple[Callable[[Document], Document], ...] = (_v1_to_v2, _v2_to_v3)

if len(UPGRADES) != CURRENT_SCHEMA_VERSION - 1:  # pragma: no cover - a programming error
    raise RuntimeError("Each schema version after the first needs exactly one upgrade.")


def document_version(data: Mapping[str, Any]) -> int:
    """The schema version ``data`` was written in (1 when it does not say)."""
    version = data.get(SCHEMA_VERSION_KEY, 1)
    # bool is an int in Python; a document saying ``true`` is not version 1.
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SchemaVersionError(f"The policy document's schema version {version!r} is not valid.")
    if version > CURRENT_SCHEMA_VERSION:
        raise SchemaVersionError(
            f"The policy document is schema version {version}, newer than this product "
            f"reads ({CURRENT_SCHEMA_VERSION})."
        )
    return version


def upgrade_document(
    data: Mapping[str, Any], *, to_version: int = CURRENT_SCHEMA_VERSION
) -> Document:
    """A copy of stored document ``data`` (of any schema version up to ``to_version``) in
    version ``to_version``, ready to validate when that is the current one. ``data`` itself
    is never changed. A data migration names the version it upgrades to, so it does the
    same thing however many versions are added after it."""
    if not 1 <= to_version <= CURRENT_SCHEMA_VERSION:
        raise SchemaVersionError(f"There is no schema version {to_version}.")
    version = document_version(data)
    if version > to_version:
        raise SchemaVersionError(
            f"The policy document is already schema version {version}, past {to_version}."
        )
    doc: Document = copy.deepcopy(dict(data))
    for upgrade in UPGRADES[version - 1 : to_version - 1]:
        doc = upgrade(doc)
    doc[SCHEMA_VERSION_KEY] = to_version
    return doc
