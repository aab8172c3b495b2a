"""`{% crispy_once form %}`: a blank form rendered by crispy once per process, its HTML reused after that.

Crispy forms render every field through several templates: the «form a pair» page spent four fifths of its
time in them (docs/performance.md, issue 23), most of it on forms that are the same for everyone — the blank
«new mentor» and «new mentee» forms, shown folded. A form that is not bound, has no initial values and is of
a class whose fields do not depend on who asks (its choices are fixed) renders the same HTML every time: it is
kept per class, prefix and id pattern. Anything else — bound, with initial data or errors — is rendered as
`{% crispy %}` renders it.

Use it only for such forms (the template says which); registered as the template library `crispy_once`.
"""

from __future__ import annotations

from crispy_forms.utils import render_crispy_form
from django import template
from django.utils.safestring import SafeString

register = template.Library()
_rendered: dict[tuple, SafeString] = {}


def blank(form) -> bool:
    """Not bound and given no initial values (a field's own default is the class's, the same for everyone)."""
    return not form.is_bound and not form.initial


@register.simple_tag
def crispy_once(form) -> SafeString:
    if not blank(form):
        return render_crispy_form(form)  # a template's output: safe, escaped by crispy's templates
    key = (type(form), form.prefix, form.auto_id)
    if key not in _rendered:
        _rendered[key] = render_crispy_form(form)
    return _rendered[key]
