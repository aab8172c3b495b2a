"""Playwright driving Debian's Chromium (no `playwright install`: the browser comes from apt).

Every browser test gets, through the `page` fixture:

- the requests its pages make (`page.requested_urls`), so a test can prove nothing left the host;
- a watch on every page of its browser context: an uncaught JavaScript error or a Content Security
  Policy violation (enforced or report-only) fails the test, with the page, the line and the
  directive in the failure;
- on failure, a full-page screenshot, the HTML and the console of every open page, kept under
  `var/test-artifacts/<test name>/` (git-ignored); the failure names the folder.
"""

import importlib
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
CSP_TEXT = "Content Security Policy"

# Runs in every page before its own scripts: the browser's own report of a CSP violation, with the
# directive, the blocked resource and where it happened, handed to Python (`_report_csp_violation`).
# Injected by the browser's debugging protocol, so the page's CSP does not apply to it.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation({
    disposition: event.disposition,
    directive: event.effectiveDirective || event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    column: event.columnNumber,
    sample: event.sample,
    element: event.target && event.target.outerHTML ? event.target.outerHTML.slice(0, 200) : "",
  });
}, true);
"""


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def artifacts_dir(item) -> Path:
    """var/test-artifacts/<test name>/: the test's name (with its parameters) made safe for a path."""
    return ARTIFACTS / re.sub(r"[^\w.\-]+", "_", item.name).strip("_")[:120]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item (`item.rep_setup`, `rep_call`, `rep_teardown`) for the
    fixtures' teardown, and name the artefacts folder in a failing browser test's report."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    watch = getattr(getattr(item, "funcargs", {}).get("page"), "watch", None)
    if report.when == "call" and report.failed and watch is not None:
        problems = watch.problems()
        if problems and not getattr(item, "failed_on_browser_problems", False):  # failed for another reason
            report.sections.append(("browser problems", "\n".join(problems)))
        report.sections.append(
            (
                "browser artefacts",
                f"Screenshots, HTML and console of every open page: {artifacts_dir(item)}/",
            )
        )
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After the test body: a CSP violation or an uncaught JS error on any of its pages fails it."""
    result = yield
    watch = getattr(item.funcargs.get("page"), "watch", None)
    if watch is not None:
        watch.flush()
        problems = watch.problems()
        if problems:
            item.failed_on_browser_problems = True
            pytest.fail("The browser reported problems:\n" + "\n".join(f"  - {p}" for p in problems), pytrace=False)
    return result


@dataclass
class BrowserWatch:
    """Console messages, uncaught errors and CSP violations of every page of one browser context."""

    context: object
    console: list = field(default_factory=list)  # (page url, type, text, location)
    page_errors: list = field(default_factory=list)  # (page url, error text)
    violations: list = field(default_factory=list)  # dicts from CSP_LISTENER
    _pages: set = field(default_factory=set)

    def attach(self, page) -> None:
        if id(page) in self._pages:
            return
        self._pages.add(id(page))
        page.on(
            "console", lambda message: self.console.append((page.url, message.type, message.text, message.location))
        )
        page.on("pageerror", lambda error: self.page_errors.append((page.url, _error_text(error))))

    def flush(self) -> None:
        """Let events still on their way from the browser arrive (one round trip per open page)."""
        for page in self.context.pages:
            try:
                page.evaluate("0")
            except Exception:
                pass

    def problems(self) -> list[str]:
        found = [f"uncaught JavaScript error on {url}: {text}" for url, text in self.page_errors]
        for violation in self.violations:
            found.append(
                f"CSP violation ({violation.get('disposition')}) of {violation.get('directive')!r} on "
                f"{violation.get('page')} at {violation.get('source')}:{violation.get('line')}:"
                f"{violation.get('column')}, blocked {violation.get('blocked')!r}"
                + (f", sample {violation['sample']!r}" if violation.get("sample") else "")
                + (f", element {violation['element']}" if violation.get("element") else "")
            )
        for url, kind, text, location in self.console:
            if CSP_TEXT in text:
                found.append(
                    f"console {kind} on {url} (line {location.get('lineNumber')} of {location.get('url')}): {text}"
                )
        return found

    def console_log(self, page=None) -> str:
        lines = [
            f"[{kind}] {url} {location.get('url')}:{location.get('lineNumber')}: {text}"
            for url, kind, text, location in self.console
            if page is None or url == page.url
        ]
        lines += [f"[pageerror] {url}: {text}" for url, text in self.page_errors]
        lines += [f"[csp] {violation}" for violation in self.violations]
        return "\n".join(lines) + "\n"


def _error_text(error) -> str:
    stack = getattr(error, "stack", "") or ""
    return stack or str(error)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run `make test` (it installs it) or `apt-get install chromium`.")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def reference_lists(transactional_db):
    """A live-server test flushes tables between tests, seeded ones too: put the common lists back, and
    the methodology's questionnaires (influence), the kinds of events."""
    from django.apps import apps

    from influence.models import QuestionnaireTemplate

    importlib.import_module("registry.migrations.0003_seed_reference_lists").seed(apps, None)
    importlib.import_module("events.migrations.0002_seed_kinds").seed(apps, None)  # the common kinds of events
    if not QuestionnaireTemplate.objects.filter(department__isnull=True).exists():
        importlib.import_module("influence.migrations.0002_seed_questionnaires").seed(apps, None)


@pytest.fixture
def page(browser, live_server, reference_lists, request):
    """A fresh page; every request it makes is recorded, so a test can prove nothing left the host.

    `page.watch` holds what the browser reported (console, uncaught errors, CSP violations) for
    every page of the context; on failure the open pages are saved under var/test-artifacts/.
    """
    shutil.rmtree(artifacts_dir(request.node), ignore_errors=True)  # what an earlier run left
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    watch = BrowserWatch(context)
    context.expose_binding(
        "__reportCspViolation",
        lambda source, violation: watch.violations.append({"page": source["page"].url, **violation}),
    )
    context.add_init_script(CSP_LISTENER)
    context.on("page", watch.attach)
    page = context.new_page()
    watch.attach(page)
    page.watch = watch
    page.requested_urls = []
    page.on("request", lambda request: page.requested_urls.append(request.url))
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        save_artifacts(request.node, context, watch)
    context.close()


def save_artifacts(item, context, watch: BrowserWatch) -> Path:
    """A full-page screenshot, the HTML and the console of every open page of the context."""
    folder = artifacts_dir(item)  # emptied when the test started: what is there is this run's
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "console.txt").write_text(watch.console_log(), encoding="utf-8")
    for number, page in enumerate(context.pages, start=1):
        slug = re.sub(r"[^\w.\-]+", "_", page.url.split("://", 1)[-1])[:80].strip("_") or "blank"
        stem = folder / f"{number:02d}-{slug}"
        try:
            page.screenshot(path=f"{stem}.png", full_page=True, timeout=15_000)
        except Exception as error:
            Path(f"{stem}.screenshot-failed.txt").write_text(f"{error}\n", encoding="utf-8")
        try:
            Path(f"{stem}.html").write_text(f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8")
        except Exception as error:
            Path(f"{stem}.html-failed.txt").write_text(f"{error}\n", encoding="utf-8")
    print(f"\nBrowser artefacts of {item.nodeid}: {folder}/")  # noqa: T201 — where to look after a failure
    return folder
