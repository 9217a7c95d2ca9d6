"""Shared by sink nodes: message templates with {column} placeholders, checked against the input columns."""

from __future__ import annotations

import string
from collections.abc import Iterator
from typing import Annotated

from pydantic import AfterValidator

from lakestream.nodes.base import Finding, Inputs
from lakestream.nodes.fields import IDENTIFIER_RE, Template


def placeholders(text: str) -> list[str]:
    """The column names a template reads, in order; ValueError saying how to write one when malformed."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise ValueError(
            f"The template is malformed ({error}): write {{column}} for a value and {{{{ }}}} for a literal brace"
        ) from None
    names = []
    for _, name, _, _ in parsed:
        if name is None:
            continue
        if not IDENTIFIER_RE.match(name):
            raise ValueError(f"{{{name}}} is not a placeholder: write a column name in braces, like {{card_id}}")
        names.append(name)
    return names


def _well_formed(text: str) -> str:
    placeholders(text)
    return text


# A message template: text with {column} placeholders filled from each row.
MessageTemplate = Annotated[Template, AfterValidator(_well_formed)]


def template_checks(inputs: Inputs, **templates: str | None) -> Iterator[Finding]:
    """An error for every placeholder naming a column the input does not have."""
    columns = {c.name for c in inputs.one()}
    if not columns:
        return
    for field, text in templates.items():
        for name in dict.fromkeys(placeholders(text or "")):
            if name not in columns:
                yield Finding("error", "template.unknown_column", f"Placeholder {{{name}}} names no input column",
                              field=field, hint=f"Available columns: {', '.join(sorted(columns)[:12])}")
