"""{{ when|day }}, {{ when|month }}, {{ share|percent }}, {{ note|sentence }}, {{ error|clause }},
{% brackets %}...{% endbrackets %} and {% aside %}...{% endaside %} (a bracketed remark after a
text: " (…)" in English, "（…）" in Chinese): the active language's style (assessments/formats.py).
"""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from assessments import formats

register = template.Library()

register.filter("day", formats.day)
register.filter("month", formats.month)


@register.filter
def percent(value: float | None, digits: int = 0) -> str:
    return formats.percent(None if value in (None, "") else float(value), int(digits))


@register.filter(is_safe=True)
def sentence(value: str) -> str:
    return formats.sentence(value)


@register.filter(is_safe=True)
def clause(value: str) -> str:
    """A sentence without its full stop, for a remark to follow: 'Enter ... 100 (question)'."""
    return formats.style().clause(str(value))


@register.tag
def brackets(parser, token):
    """Wrap the content in the language's brackets: (…) in English, （…） in Chinese."""
    nodelist = parser.parse(("endbrackets",))
    parser.delete_first_token()
    return BracketsNode(nodelist, aside=False)


@register.tag
def aside(parser, token):
    """A bracketed remark after a text: a space and (…) in English, （…） in Chinese."""
    nodelist = parser.parse(("endaside",))
    parser.delete_first_token()
    return BracketsNode(nodelist, aside=True)


class BracketsNode(template.Node):
    def __init__(self, nodelist, *, aside: bool) -> None:
        self.nodelist = nodelist
        self.aside = aside

    def render(self, context) -> SafeString:
        style = formats.style()
        inner = conditional_escape(self.nodelist.render(context))
        # The content is escaped (or already safe) above; the brackets are plain characters.
        return mark_safe(style.aside(inner) if self.aside else style.bracketed(inner))
