"""Filters for the edition admin pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def signed(value: float | None) -> str:
    """A shift with its sign (+3.2, -0.5), or a dash when there is none."""
    return "-" if value is None else f"{value:+.1f}"
