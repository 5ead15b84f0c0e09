"""Characters that never belong in what people type: one rule for every form and file name.

Control characters (ESC, DEL, the C1 range) and Unicode "format" characters (right-to-left
overrides and isolates, zero-width spaces and joiners, the byte-order mark, soft hyphens) are
invisible or change how the text around them is shown: "résumé\u202egpj.exe.pdf" reads as a
PDF but is an .exe. Typed text containing one is refused (the person sees which character and
removes it); an uploaded file's name has them removed, since nobody can retype it.
"""

from __future__ import annotations

import unicodedata

# Allowed in multi-line answers only: a tab, a newline and the carriage return browsers send.
MULTILINE_WHITESPACE = frozenset("\t\n\r")
# Cc: control characters. Cf: format characters (bidirectional controls, zero-width ones).
# Zl/Zp: the Unicode line and paragraph separators, which break lines invisibly.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def unsafe_characters(value: str, *, multiline: bool = False) -> list[str]:
    """The distinct refused characters in ``value``, in order of first appearance."""
    found: list[str] = []
    for char in value:
        if char in found or (multiline and char in MULTILINE_WHITESPACE):
            continue
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            found.append(char)
    return found


def describe(char: str) -> str:
    """``U+202E (RIGHT-TO-LEFT OVERRIDE)``: how a refused character is named to the user."""
    name = unicodedata.name(char, "")
    if not name:
        name = {"\x1b": "ESCAPE", "\x7f": "DELETE", "\t": "TAB", "\n": "NEW LINE"}.get(
            char, "CONTROL CHARACTER"
        )
    return f"U+{ord(char):04X} ({name})"


def refusal_message(chars: list[str]) -> str:
    listed = ", ".join(describe(c) for c in chars[:3])
    return (
        f"Remove the hidden character{'s' if len(chars) > 1 else ''} {listed}: "
        "they are invisible or change how text is shown."
    )


def strip_unsafe(value: str) -> str:
    """``value`` without any refused character (tabs and newlines included), NFC-normalised."""
    kept = "".join(c for c in value if unicodedata.category(c) not in _REFUSED_CATEGORIES)
    return unicodedata.normalize("NFC", kept)
