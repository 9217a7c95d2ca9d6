"""Spark's (Java's) regular expressions in Python, each match bounded in time (RLIKE, regexp_like).

Matching uses the `regex` module (a backtracking engine, as Java's, so backreferences, lookaround,
possessive quantifiers and atomic groups keep their meaning) with `timeout=` and `concurrent=True`:
a catastrophic pattern stops after `TIMEOUT_S` seconds of process CPU with RegexTimeout, and the match
releases the GIL meanwhile, so a server answering other users is never frozen by one replay.
`translate` rewrites the Java syntax the module reads otherwise: `\\Q…\\E`, `\\x{…}`, `\\0ooo`, `\\e`,
`\\cX`, `\\k<name>`, `\\Z`, `\\h \\v \\R`, ASCII `\\d \\w \\s` and POSIX `\\p{Alpha}`, `\\p{IsL}`, `java…`
properties; VERSION1 reads nested classes, `&&` and inline flags scoped as Java does. Differences
left are listed in docs/patterns.md. Where `regex` is not installed (generated code on a cluster
without it) the standard `re` runs the pattern untranslated and unbounded, as before.
"""

from __future__ import annotations

from functools import lru_cache

try:
    import regex as _engine

    BOUNDED = True
except ImportError:  # shipped runtime on a cluster without `regex`: the standard module, unbounded
    import re as _engine  # type: ignore[no-redef]

    BOUNDED = False

TIMEOUT_S = 1.0  # seconds of the process's CPU time one match may take (the `regex` module's clock: shorter
# in wall time when other threads work too); Java would run on, a replay must not
SHOWN = 60  # characters of a pattern quoted in a message

_SPACE = " \\t\\n\\x0B\\f\\r"
_ASCII = {"d": "0-9", "w": "a-zA-Z0-9_", "s": _SPACE}
_HORIZONTAL = " \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000"
_VERTICAL = "\\n\\x0B\\f\\r\\x85\\u2028\\u2029"
_POSIX = {  # Java's POSIX classes are ASCII-only unless UNICODE_CHARACTER_CLASS
    "Lower": "a-z", "Upper": "A-Z", "ASCII": "\\x00-\\x7F", "Alpha": "a-zA-Z", "Digit": "0-9",
    "Alnum": "a-zA-Z0-9", "Punct": "!-/:-@\\[-`{-~", "Graph": "!-~", "Print": " -~", "Blank": " \\t",
    "Cntrl": "\\x00-\\x1F\\x7F", "XDigit": "0-9a-fA-F", "Space": _SPACE,
}
_JAVA_PROPERTIES = {
    "javaLowerCase": "\\p{Lowercase}", "javaUpperCase": "\\p{Uppercase}", "javaAlphabetic": "\\p{Alphabetic}",
    "javaLetter": "\\p{L}", "javaDigit": "\\p{Nd}", "javaLetterOrDigit": "[\\p{L}\\p{Nd}]",
    "javaWhitespace": "\\p{White_Space}", "javaSpaceChar": "\\p{Z}", "javaTitleCase": "\\p{Lt}",
    "javaMirrored": "\\p{Bidi_Mirrored}", "javaIdeographic": "\\p{Ideographic}",
}
_CATEGORIES = {"L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc", "Pd",
               "Ps", "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So", "Z", "Zs", "Zl", "Zp", "C", "Cc", "Cf",
               "Co", "Cs", "Cn"}


class RegexError(ValueError):
    """A pattern that does not compile; `pattern` is the pattern and the message says why."""

    def __init__(self, pattern: str, reason: str):
        self.pattern, self.reason = pattern, reason
        super().__init__(f"the regular expression {shown(pattern)} is invalid ({reason})")


class RegexTimeout(RuntimeError):
    """A match that ran longer than TIMEOUT_S (catastrophic backtracking): the value is too hard for the pattern."""

    def __init__(self, pattern: str, text: str):
        self.pattern = pattern
        super().__init__(f"the regular expression {shown(pattern)} took longer than {TIMEOUT_S:g} s on a value of "
                         f"{len(text):,} characters (catastrophic backtracking): simplify the pattern, e.g. "
                         "no nested repetition like (a+)+")


def shown(pattern: str) -> str:
    return repr(pattern if len(pattern) <= SHOWN else pattern[:SHOWN] + "…")


def _set(body: str, negate: bool = False) -> str:
    return f"[{'^' if negate else ''}{body}]"


def _braced(pattern: str, i: int) -> tuple[str, int] | None:
    """The text inside `{…}` starting at pattern[i] == '{' and the index after '}'; None without one."""
    if i >= len(pattern) or pattern[i] != "{":
        return None
    end = pattern.find("}", i)
    return None if end < 0 else (pattern[i + 1:end], end + 1)


def _escape_literal(text: str) -> str:
    return "".join(f"\\{c}" if not c.isalnum() and c != "_" else c for c in text)


def _escape(pattern: str, i: int) -> tuple[str, int]:
    """The translation of the escape at pattern[i] == '\\' and the index after it."""
    letter = pattern[i + 1] if i + 1 < len(pattern) else ""
    after = i + 2
    if letter == "Q":
        end = pattern.find("\\E", after)
        stop = len(pattern) if end < 0 else end
        return _escape_literal(pattern[after:stop]), (stop if end < 0 else end + 2)
    if letter.lower() in _ASCII:
        return _set(_ASCII[letter.lower()], letter.isupper()), after
    if letter in "hH":
        return _set(_HORIZONTAL, letter == "H"), after
    if letter in "vV":
        return _set(_VERTICAL, letter == "V"), after
    if letter == "R":
        return f"(?:\\r\\n|{_set(_VERTICAL)})", after
    if letter == "Z":
        return f"(?=(?:\\r\\n|{_set(_VERTICAL)})?\\z)", after
    if letter == "e":
        return "\\x1B", after
    if letter == "c" and after < len(pattern):
        return f"\\x{ord(pattern[after]) ^ 64:02X}", after + 1
    if letter == "0":
        digits = ""
        while after < len(pattern) and len(digits) < 3 and pattern[after] in "01234567":
            digits, after = digits + pattern[after], after + 1
        if len(digits) == 3 and digits[0] > "3":  # Java reads at most 0377
            digits, after = digits[:2], after - 1
        return (f"\\x{int(digits, 8):02X}" if digits else "\\0"), after
    if letter == "x" and (braced := _braced(pattern, after)):
        body, end = braced
        if body and all(c in "0123456789abcdefABCDEF" for c in body) and int(body, 16) <= 0x10FFFF:
            return f"\\U{int(body, 16):08X}", end
    if letter == "k" and after < len(pattern) and pattern[after] == "<" and (end := pattern.find(">", after)) > 0:
        return f"(?P={pattern[after + 1:end]})", end + 1
    if letter in "pP" and (braced := _braced(pattern, after)):
        name, end = braced
        if name in _POSIX:
            return _set(_POSIX[name], letter == "P"), end
        if name in _JAVA_PROPERTIES:
            replacement = _JAVA_PROPERTIES[name]
            return (replacement if letter == "p" else f"[^{replacement}]"), end
        if name.startswith("Is") and name[2:] in _CATEGORIES:
            return f"\\{letter}{{{name[2:]}}}", end
    return pattern[i:after], after


@lru_cache(maxsize=1024)
def translate(pattern: str) -> str:
    """The `regex` (VERSION1) spelling of a Java pattern."""
    out, i = ["(?-f)"], 0  # Java folds case character by character, never 'ß' to 'ss'
    while i < len(pattern):
        if pattern[i] == "\\":
            text, i = _escape(pattern, i)
            out.append(text)
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str):
    """The compiled Java pattern (cached); RegexError when it is invalid."""
    try:
        if BOUNDED:
            return _engine.compile(translate(pattern), _engine.V1)
        return _engine.compile(pattern)
    except (_engine.error, OverflowError, RecursionError) as error:
        raise RegexError(pattern, str(error).split(" at position")[0] if BOUNDED else str(error)) from None


def search(pattern: str, text: str) -> bool:
    """True when the Java pattern matches anywhere in `text` (Java's find()); RegexError, RegexTimeout."""
    compiled = compile_pattern(pattern)
    if not BOUNDED:
        return compiled.search(text) is not None
    try:
        return compiled.search(text, timeout=TIMEOUT_S, concurrent=True) is not None
    except TimeoutError:
        raise RegexTimeout(pattern, text) from None


def _matches(pattern: str, text: str, start: int = 0):
    """Java's successive find()s from `start`, each bounded in time."""
    compiled = compile_pattern(pattern)
    try:
        if not BOUNDED:
            yield from compiled.finditer(text, start)
            return
        yield from compiled.finditer(text, start, timeout=TIMEOUT_S, concurrent=True)
    except TimeoutError:
        raise RegexTimeout(pattern, text) from None


def extract(pattern: str, text: str, group: int = 1) -> str:
    """regexp_extract: group `group` of the first match, '' without a match or when the group took no part."""
    for found in _matches(pattern, text):
        if not 0 <= group <= (compile_pattern(pattern).groups or 0):
            raise RegexError(pattern, f"it has {compile_pattern(pattern).groups} groups, not group {group}")
        return found.group(group) or ""
    return ""


@lru_cache(maxsize=256)
def _replacement(replacement: str) -> tuple:
    """Java's replacement text as parts: literal text, or an int (a group), `\\x` being x and `$n` group n."""
    parts, literal, i = [], [], 0
    while i < len(replacement):
        c = replacement[i]
        if c == "\\" and i + 1 < len(replacement):
            literal.append(replacement[i + 1])
            i += 2
        elif c == "$" and i + 1 < len(replacement) and replacement[i + 1].isdigit():
            j = i + 2
            while j < len(replacement) and replacement[j].isdigit():
                j += 1
            parts += ["".join(literal), int(replacement[i + 1:j])]
            literal, i = [], j
        elif c in "\\$":
            raise ValueError(f"the replacement {replacement!r} ends in {c!r} or names no group")
        else:
            literal.append(c)
            i += 1
    return tuple(parts + ["".join(literal)])


def replace(pattern: str, text: str, replacement: str, position: int = 1) -> str:
    """regexp_replace: every match from the 1-based `position` on replaced (Java's `$n` group references)."""
    parts = _replacement(replacement)
    start = max(position - 1, 0)
    if start > len(text):
        return text
    out, last = [text[:start]], start
    for found in _matches(pattern, text, start):
        out.append(text[last:found.start()])
        out.extend(p if isinstance(p, str) else (found.group(p) or "") for p in parts)
        last = found.end()
    out.append(text[last:])
    return "".join(out)


def split(pattern: str, text: str, limit: int = -1) -> list[str]:
    """split: Java's String.split(regex, limit) as Spark calls it (limit ≤ 0: every piece, trailing '' kept);
    a zero-width match at the start makes no leading empty piece."""
    pieces, last = [], 0
    for found in _matches(pattern, text):
        if 0 < limit <= len(pieces) + 1:
            break
        if found.end() == 0:
            continue
        pieces.append(text[last:found.start()])
        last = found.end()
    return pieces + [text[last:]]
