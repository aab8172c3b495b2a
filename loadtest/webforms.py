"""Read the forms of a page the way a browser submits them, so the load posts what users post.

`forms(html)` gives every <form> with its action, method and the fields a browser would send
untouched: hidden inputs (the CSRF token, django-concurrency's `version`, formset management
fields), text inputs and textareas with their values, checked checkboxes and radios, and the
selected options of each <select> (the first option when none is marked, as browsers do).
A test then changes only what a user would type or pick. No third-party parser: html.parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

SKIPPED_INPUTS = {"submit", "button", "image", "reset", "file"}


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    # every <select>: name → [(value, label)], to pick an option by its visible text
    options: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)  # every named control, sent or not (unchecked boxes too)

    def get(self, name: str, default: str | None = None) -> str | None:
        return next((value for key, value in self.fields if key == name), default)

    def set(self, name: str, *values: str) -> None:
        """Replace the field's values (several for a multiple select); no value removes it."""
        self.fields = [(key, value) for key, value in self.fields if key != name]
        self.fields += [(name, str(value)) for value in values]

    def option(self, name: str, label_start: str) -> str:
        """The value of the option of select `name` whose label starts with `label_start`."""
        for value, label in self.options.get(name, []):
            if label.strip().startswith(label_start):
                return value
        raise LookupError(f"no option «{label_start}…» in {name}: {self.options.get(name)}")

    def first_option(self, name: str) -> str:
        return next(value for value, _ in self.options.get(name, []) if value)

    def encode(self) -> bytes:
        return urlencode(self.fields).encode()


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: dict | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            self.form.names.add(name)
            kind = a.get("type", "text").lower()
            if kind in SKIPPED_INPUTS or "disabled" in a:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form.fields.append((name, a.get("value", "on")))
                self.form.options.setdefault(name, []).append((a.get("value", "on"), a.get("id", "")))
                return
            self.form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self.form.names.add(name)
            self.select = {
                "name": name,
                "multiple": "multiple" in a,
                "disabled": "disabled" in a,
                "options": [],
                "selected": [],
            }
        elif tag == "option" and self.select is not None:
            self.option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
        elif tag == "textarea" and name:
            self.form.names.add(name)
            self.textarea = {"name": name, "text": "", "disabled": "disabled" in a}

    def handle_data(self, data: str) -> None:
        if self.option is not None:
            self.option["text"] += data
        elif self.textarea is not None:
            self.textarea["text"] += data

    def _close_option(self) -> None:
        if self.option is not None and self.select is not None:
            value = self.option["value"] if self.option["value"] is not None else self.option["text"].strip()
            self.select["options"].append((value, " ".join(self.option["text"].split())))
            if self.option["selected"]:
                self.select["selected"].append(value)
        self.option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._close_option()
        elif tag == "select" and self.select is not None and self.form is not None:
            self._close_option()
            select = self.select
            self.form.options[select["name"]] = select["options"]
            if not select["disabled"]:
                chosen = select["selected"]
                if not chosen and not select["multiple"] and select["options"]:
                    chosen = [select["options"][0][0]]
                self.form.fields += [(select["name"], value) for value in chosen]
            self.select = None
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            if not self.textarea["disabled"]:
                text = self.textarea["text"]
                self.form.fields.append((self.textarea["name"], text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "form":
            self.form = None


def forms(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.forms


def post_form(html: str, must_have: str) -> Form:
    """The first POST form with a control named `must_have` (the page's main form)."""
    for form in forms(html):
        if form.method == "post" and must_have in form.names:
            return form
    raise LookupError(f"no POST form with a field «{must_have}» on the page")


def links(html: str, pattern: str) -> list[str]:
    """Distinct hrefs matching `pattern` (a regex over the path), in page order."""
    seen: dict[str, None] = {}
    for href in re.findall(r'href="(' + pattern + r')"', html):
        seen.setdefault(href.replace("&amp;", "&"), None)
    return list(seen)


def error_text(html: str) -> str:
    """The form's error messages, short, for a failure report."""
    found = re.findall(r'class="[^"]*(?:invalid-feedback|alert-danger|errorlist)[^"]*"[^>]*>(.*?)</', html, re.S)
    text = " | ".join(" ".join(re.sub(r"<[^>]+>", " ", f).split()) for f in found)
    return text[:300] or "the form came back without a redirect"
