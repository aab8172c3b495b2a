"""The load: curators and methodists working in the registry through its real pages and forms.

Run by scripts/loadtest.sh (`make loadtest`); the plan (accounts, whom to pair) comes from
loadtest/prepare.py through LOAD_PLAN, and every request is recorded to LOAD_SAMPLES for
loadtest/report.py. Each virtual user logs in through the login form (CSRF token from the GET),
then repeats weighted tasks with a think time of LOAD_THINK_MIN–LOAD_THINK_MAX seconds:

- a curator (3 of 4 users, one school each): home page, people (list, search, card), pairs
  (list, search, card), the organisation, programs, roadmaps (list, the school's own, the agenda),
  data quality; forms a pair from the base (mentor and mentee found with the picker's search) and
  completes it; marks an item of the school's roadmap; downloads «База наставляемых» / «База
  наставников» through the export form (XLSX, written in the request) and the roadmap as XLSX;
- a methodist (1 of 4, the whole department): the same lists over 50 000 people, organisations,
  data quality, indicators (table, breakdown, the people behind a figure), the roadmap matrix,
  marks a municipal item; downloads the department's «База наставляемых» (a background job:
  the job page is polled like the browser's htmx does, then the file), the indicator table and the
  roadmap as XLSX.

Each user downloads each kind of file at most once every LOAD_EXPORT_EVERY seconds (120): people
export a base now and then, and without the cap the exports would take most of the CPU.

Requests are named by page («люди: список») and grouped through the request context: `page`
(GET of a page; the p95 limit applies to these), `action` (form posts, the login), `export`
(files and the export job), `static`.

TLS: in production nginx ends TLS and sets X-Forwarded-Proto (docs/architecture.md). Here the
users talk to gunicorn directly, so they send that header as nginx would; gunicorn trusts it from
127.0.0.1, Django's SECURE_PROXY_SSL_HEADER reads it, and the settings stay the production ones
(secure cookies, CSRF with Origin/Referer checks, SSL redirect). The users' cookie jar returns
Secure cookies on these requests (`BehindTLS`), as the browser does on its https link to nginx.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import random
import re
import time
from datetime import date, timedelta
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import webforms
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(Path(os.environ.get("LOAD_PLAN", "var/loadtest/plan.json")).read_text(encoding="utf-8"))
SAMPLES_PATH = Path(os.environ.get("LOAD_SAMPLES", "var/loadtest/samples.json"))
TOTAL_USERS = int(os.environ.get("LOAD_USERS", "20"))
CURATOR_USERS = max(1, round(TOTAL_USERS * 3 / 4))  # the weights below: 3 curators to 1 methodist
THINK = (float(os.environ.get("LOAD_THINK_MIN", "1")), float(os.environ.get("LOAD_THINK_MAX", "3")))
# A user downloads each kind of file at most this often (seconds): people export a base now and then,
# not every minute; without the cap the exports would be most of the CPU spent.
EXPORT_EVERY = float(os.environ.get("LOAD_EXPORT_EVERY", "120"))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}

# --- recording every request ------------------------------------------------------------------

SAMPLES: list[dict] = []
RUN = {"started": None, "spawned": None, "stopped": None}


@events.request.add_listener
def record(
    request_type,
    name,
    response_time,
    response_length,
    response=None,
    context=None,
    exception=None,
    start_time=None,
    **_kwargs,
) -> None:
    context = context or {}
    status = getattr(response, "status_code", 0) or 0
    SAMPLES.append(
        {
            "t": round(start_time or time.time(), 3),
            "method": request_type,
            "name": name,
            "group": context.get("group", "page"),
            "role": context.get("role", ""),
            "ms": round(response_time, 1),
            "status": status,
            "bytes": response_length or 0,
            "error": "" if exception is None else f"{type(exception).__name__}: {exception}"[:300],
        }
    )


@events.test_start.add_listener
def started(**_kwargs) -> None:
    RUN["started"] = time.time()


@events.spawning_complete.add_listener
def spawned(**_kwargs) -> None:
    """Every user has started (and logged in or is logging in): the steady state begins."""
    RUN["spawned"] = time.time()


@events.test_stop.add_listener
def stopped(**_kwargs) -> None:
    RUN["stopped"] = time.time()
    SAMPLES_PATH.parent.mkdir(parents=True, exist_ok=True)
    SAMPLES_PATH.write_text(
        json.dumps(
            {
                **RUN,
                "users": TOTAL_USERS,
                "think": THINK,
                "samples": SAMPLES,
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )


# --- the users ----------------------------------------------------------------------------------

_counters = {"curator": itertools.count(), "methodist": itertools.count()}


def today_ru(days: int = 0) -> str:
    return (date.today() + timedelta(days=days)).strftime("%d.%m.%Y")


class BehindTLS(DefaultCookiePolicy):
    """Every request of a virtual user stands for one that reached nginx over TLS (it carries
    X-Forwarded-Proto: https), so Secure cookies are sent, as the browser sends them to nginx."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class FlowFailed(Exception):
    """A step of a flow did not give what a user would have seen; the rest of the flow is skipped."""


class RegistryUser(FastHttpUser):
    abstract = True
    wait_time = between(*THINK)
    connection_timeout = 30.0
    network_timeout = 120.0
    role = ""

    # --- plumbing -------------------------------------------------------------------------------

    def context(self) -> dict:
        return {"role": self.role}

    def on_start(self) -> None:
        self.client.cookiejar.set_policy(BehindTLS())
        origin = "https://" + urlsplit(self.host).netloc
        self.base_headers = {"X-Forwarded-Proto": "https", "Origin": origin}
        self.origin = origin
        self.rng = random.Random()
        self.exported: dict[str, float] = {}
        self.people: list[str] = []
        self.pairs: list[str] = []
        self.login()

    def headers(self, referer: str | None = None, **extra) -> dict:
        headers = dict(self.base_headers)
        if referer:
            headers["Referer"] = self.origin + referer
        headers.update(extra)
        return headers

    def get(self, path: str, name: str, group: str = "page", expect: int = 200, headers: dict | None = None):
        """GET a page; a status other than `expect` (or the login page instead) is a failure."""
        with self.client.get(
            path,
            name=name,
            context={"group": group},
            allow_redirects=False,
            headers=self.headers(**(headers or {})),
            catch_response=True,
        ) as response:
            if response.status_code != expect:
                where = response.headers.get("Location", "") if response.headers else ""
                error = getattr(response, "error", None) or ""
                response.failure(f"HTTP {response.status_code} {where} {error}".strip())
                raise FlowFailed(name)
            return response

    def post(
        self, path: str, form: webforms.Form, name: str, *, referer: str, group: str = "action", expect: int = 302
    ) -> str:
        """POST a form as the browser would; returns the redirect target (a form shown again: failure)."""
        headers = self.headers(referer=referer, **FORM_HEADERS)
        with self.client.post(
            path,
            data=form.encode(),
            name=name,
            context={"group": group},
            allow_redirects=False,
            headers=headers,
            catch_response=True,
        ) as response:
            if response.status_code != expect:
                detail = webforms.error_text(response.text or "") if response.status_code == 200 else ""
                detail = detail or str(getattr(response, "error", None) or "")
                response.failure(f"HTTP {response.status_code} {detail}".strip())
                raise FlowFailed(name)
            return response.headers.get("Location", "") if expect == 302 else ""

    def login(self) -> None:
        page = self.get("/accounts/login/", "вход: форма")
        for asset in re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', page.text)[:6]:
            self.get(asset, "статика (css, js)", group="static")
        form = webforms.post_form(page.text, "username")
        form.set("username", self.account["username"])
        form.set("password", PLAN["password"])
        target = self.post("/accounts/login/", form, "вход (POST)", referer="/accounts/login/")
        if urlsplit(target).path != "/":
            raise FlowFailed(f"login went to {target}")
        self.home()

    def export_due(self, kind: str) -> bool:
        """True at most once every EXPORT_EVERY seconds per kind of file (the first time at random)."""
        now = time.monotonic()
        last = self.exported.setdefault(kind, now - self.rng.uniform(0, EXPORT_EVERY))
        if now - last < EXPORT_EVERY:
            return False
        self.exported[kind] = now
        return True

    def run_flow(self, flow, *args) -> None:
        try:
            flow(*args)
        except FlowFailed:
            pass  # already reported as the failed request

    def pick_link(self, html: str, pattern: str) -> str | None:
        found = webforms.links(html, pattern)
        return self.rng.choice(found) if found else None

    # --- pages both roles open -------------------------------------------------------------------

    def home(self) -> None:
        self.get("/", "главная")
        self.get("/quality/summary/", "главная: сводка качества (htmx)", headers={"HX-Request": "true"})

    def people_list(self) -> None:
        page = self.rng.choice([1, 1, 1, 2, 3, self.rng.randint(4, 60)])
        response = self.get(f"/people/?page={page}", "люди: список")
        self.people = webforms.links(response.text, r"/people/\d+/") or self.people

    def people_search(self) -> None:
        surname = self.rng.choice(PLAN["surnames"])
        query = {"q": surname[: self.rng.choice([4, 6, len(surname)])]}
        response = self.get("/people/?" + urlencode(query), "люди: поиск")
        self.people = webforms.links(response.text, r"/people/\d+/") or self.people

    def person_detail(self) -> None:
        if not self.people:
            self.people_list()
        if self.people:
            self.get(self.rng.choice(self.people), "люди: карточка")

    def pairs_list(self) -> None:
        query = self.rng.choice(["", "?status=active", "?status=completed", "?status=overdue"])
        response = self.get(f"/pairs/{query}", "пары: список")
        self.pairs = webforms.links(response.text, r"/pairs/\d+/") or self.pairs

    def pairs_search(self) -> None:
        surname = self.rng.choice(PLAN["surnames"])
        response = self.get("/pairs/?" + urlencode({"q": surname}), "пары: поиск")
        self.pairs = webforms.links(response.text, r"/pairs/\d+/") or self.pairs

    def pair_detail(self) -> None:
        if not self.pairs:
            self.pairs_list()
        if self.pairs:
            self.get(self.rng.choice(self.pairs), "пары: карточка")

    def mark_occurrence(self, listing: str, listing_name: str, mine) -> None:
        """Open a roadmap page, pick an item due for marking, set its status through the mark form."""
        page = self.get(listing, listing_name)
        links = [link for i, link in enumerate(webforms.links(page.text, r"/roadmaps/marks/\d+/[^\"]*")) if mine(i)]
        if not links:
            return
        link = self.rng.choice(links)
        path = urlsplit(link).path
        form_page = self.get(link, "дорожные карты: форма отметки")
        form = webforms.post_form(form_page.text, "status")
        if self.rng.random() < 0.5:
            form.set("status", "in_progress")
            form.set("done_on")
        else:
            form.set("status", "done")
            form.set("done_on", today_ru())
        form.set("comment", f"Отметка нагрузочного теста {time.strftime('%H:%M:%S')}")
        target = self.post(path, form, "дорожные карты: отметить исполнение (POST)", referer=link)
        self.get(target.split("#")[0], "дорожные карты: после отметки")

    def download(self, path: str, name: str, referer: str) -> None:
        with self.client.get(
            path,
            name=name,
            context={"group": "export"},
            allow_redirects=False,
            headers=self.headers(referer=referer),
            catch_response=True,
        ) as response:
            kind = response.headers.get("Content-Type", "") if response.headers else ""
            if (
                response.status_code != 200
                or not kind.startswith(XLSX)
                or not (response.content or b"").startswith(b"PK")
            ):
                response.failure(f"HTTP {response.status_code}, {kind or 'no content type'}: not an XLSX file")

    def export_base(self, base: str, organisations: list[str]) -> None:
        """The export form: «База наставляемых»/«наставников», current participants, XLSX."""
        page = self.get("/exchange/export/", "выгрузка: форма")
        form = webforms.post_form(page.text, "base")
        form.set("base", base)
        form.set("period", "current")
        form.set("file_format", "xlsx")
        form.set("organisations", *organisations)
        title = {"mentees": "база наставляемых", "mentors": "база наставников"}[base]
        headers = self.headers(referer="/exchange/export/", **FORM_HEADERS)
        started = time.perf_counter()
        with self.client.post(
            "/exchange/export/",
            data=form.encode(),
            name=f"выгрузка: {title} XLSX (POST)",
            context={"group": "export"},
            allow_redirects=False,
            headers=headers,
            catch_response=True,
        ) as response:
            kind = response.headers.get("Content-Type", "") if response.headers else ""
            if response.status_code == 200 and kind.startswith(XLSX):
                return  # small enough: written in the request
            if response.status_code != 302 or "/exchange/jobs/" not in response.headers.get("Location", ""):
                response.failure(f"HTTP {response.status_code}, {kind}: neither a file nor a job")
                return
            job = urlsplit(response.headers["Location"]).path
        self.follow_job(job, title, started)

    def follow_job(self, job: str, title: str, started: float) -> None:
        """The job page, polled every second as its htmx does, then the file."""
        self.get(job, "выгрузка: страница задания", group="export")
        deadline = time.monotonic() + 180
        while True:
            time.sleep(1)
            status = self.get(job, "выгрузка: задание, опрос (htmx)", group="export", headers={"HX-Request": "true"})
            if f"{job}download/" in status.text:
                break
            if "не выполнено" in status.text or time.monotonic() > deadline:
                events.request.fire(
                    request_type="JOB",
                    name=f"выгрузка: {title} XLSX, фоновое задание целиком",
                    response_time=(time.perf_counter() - started) * 1000,
                    response_length=0,
                    context={"group": "export", "role": self.role},
                    response=None,
                    exception=FlowFailed("the job failed or took over 180 s"),
                )
                return
        self.download(f"{job}download/", "выгрузка: файл задания", referer=job)
        events.request.fire(
            request_type="JOB",
            name=f"выгрузка: {title} XLSX, фоновое задание целиком",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            context={"group": "export", "role": self.role},
            response=None,
            exception=None,
        )


class Curator(RegistryUser):
    """A school's curator: works on the school's people, pairs and roadmap."""

    weight = 3
    role = "куратор"

    def on_start(self) -> None:
        curators = PLAN["curators"]
        n = next(_counters["curator"])
        self.account = curators[n % len(curators)]
        # Virtual users sharing an account (more users than schools) take disjoint people and items.
        slots = max(1, math.ceil(CURATOR_USERS / len(curators)))
        slot = n // len(curators)
        self.mentors = self.account["mentors"][slot::slots] or self.account["mentors"]
        self.mentees = list(self.account["mentees"][slot::slots])
        self.mark_slot = (slot, slots)
        super().on_start()

    @task(4)
    def t_home(self) -> None:
        self.run_flow(self.home)

    @task(3)
    def t_people(self) -> None:
        self.run_flow(self.people_list)

    @task(3)
    def t_people_search(self) -> None:
        self.run_flow(self.people_search)

    @task(3)
    def t_person(self) -> None:
        self.run_flow(self.person_detail)

    @task(2)
    def t_pairs(self) -> None:
        self.run_flow(self.pairs_list)

    @task(1)
    def t_pairs_search(self) -> None:
        self.run_flow(self.pairs_search)

    @task(2)
    def t_pair(self) -> None:
        self.run_flow(self.pair_detail)

    @task(1)
    def t_organisation(self) -> None:
        self.run_flow(self.get, f"/organisations/{self.account['organisation']}/", "организации: карточка")

    @task(1)
    def t_programs(self) -> None:
        self.run_flow(self.get, "/programs/", "программы: список")

    @task(2)
    def t_roadmaps(self) -> None:
        def flow() -> None:
            self.get("/roadmaps/", "дорожные карты: список")
            if self.account.get("roadmap"):
                self.get(f"/roadmaps/{self.account['roadmap']}/", "дорожные карты: карта")

        self.run_flow(flow)

    @task(1)
    def t_agenda(self) -> None:
        self.run_flow(self.get, "/roadmaps/agenda/", "дорожные карты: сроки (agenda)")

    @task(1)
    def t_quality(self) -> None:
        self.run_flow(self.get, "/quality/", "качество данных")

    @task(2)
    def t_form_and_complete_pair(self) -> None:
        self.run_flow(self.form_and_complete_pair)

    @task(2)
    def t_mark(self) -> None:
        slot, slots = self.mark_slot
        mine = lambda i: i % slots == slot  # noqa: E731 — users sharing a school mark different items
        if self.account.get("roadmap") and self.rng.random() < 0.7:
            self.run_flow(self.mark_occurrence, f"/roadmaps/{self.account['roadmap']}/", "дорожные карты: карта", mine)
        elif PLAN.get("municipal_roadmap"):
            self.run_flow(
                self.mark_occurrence,
                f"/roadmaps/{PLAN['municipal_roadmap']}/matrix/",
                "дорожные карты: матрица исполнения",
                mine,
            )

    @task(1)
    def t_export_base(self) -> None:
        if self.export_due("base"):
            self.run_flow(self.export_base, self.rng.choice(["mentees", "mentors"]), [])

    @task(1)
    def t_export_roadmap(self) -> None:
        if self.account.get("roadmap") and self.export_due("roadmap"):
            self.download(
                f"/roadmaps/{self.account['roadmap']}/export/?format=xlsx",
                "выгрузка: дорожная карта XLSX",
                referer=f"/roadmaps/{self.account['roadmap']}/",
            )

    # --- form a pair, then complete it ----------------------------------------------------------

    def find(self, person: list, name: str) -> str:
        """The picker: search the school's people by surname, as Tom Select asks `people/search/`."""
        pk, surname = person
        query = urlencode({"q": surname, "organisation": self.account["organisation"]})
        response = self.get(f"/people/search/?{query}", name)
        response.json()["results"]  # a JSON answer; the user then picks the person they meant
        return str(pk)

    def form_and_complete_pair(self) -> None:
        if not self.mentees:
            return
        mentee = self.mentees.pop(0)
        self.mentees.append(mentee)  # completed below, so free again for a later round
        mentor = self.rng.choice(self.mentors)
        page = self.get("/pairs/new/", "пары: форма новой пары")
        form = webforms.post_form(page.text, "mentor_choice")
        form.set("mentor_choice", self.find(mentor, "люди: поиск в выборе (автодополнение)"))
        form.set("mentees_choice", self.find(mentee, "люди: поиск в выборе (автодополнение)"))
        form.set("format", form.option("format", PLAN["pair_format"]))
        form.set("role_model", form.option("role_model", f"{PLAN['pair_format']}: равный"))
        form.set("kind", form.option("kind", "традиционное"))
        form.set("entry_date", today_ru())
        form.set("planned_end_date", today_ru(120))
        form.set("stage", "implementation")
        target = self.post("/pairs/new/", form, "пары: сформировать (POST)", referer="/pairs/new/")
        pair = urlsplit(target).path
        if not re.fullmatch(r"/pairs/\d+/", pair):
            raise FlowFailed(f"the new pair went to {target}")
        self.get(pair, "пары: карточка")
        complete = f"{pair}complete/"
        page = self.get(complete, "пары: форма завершения")
        form = webforms.post_form(page.text, "end_date")
        form.set("end_date", today_ru())
        form.set("results", "Наставляемый освоил план; итоги обсуждены на встрече (нагрузочный тест).")
        for name in sorted(form.names):
            if re.fullmatch(r"mentee-\d+-completion_mark", name):
                form.set(name, form.first_option(name))
        target = self.post(complete, form, "пары: завершить (POST)", referer=complete)
        self.get(urlsplit(target).path, "пары: карточка")


class Methodist(RegistryUser):
    """The municipality's methodist: reads the whole department, indicators, the roadmap matrix."""

    weight = 1
    role = "методист"

    def on_start(self) -> None:
        methodists = PLAN["methodists"]
        n = next(_counters["methodist"])
        self.account = methodists[n % len(methodists)]
        self.mark_slot = (n, max(1, TOTAL_USERS - CURATOR_USERS))
        self.indicator_links: list[str] = []
        super().on_start()

    @task(3)
    def t_home(self) -> None:
        self.run_flow(self.home)

    @task(2)
    def t_organisations(self) -> None:
        def flow() -> None:
            page = self.get("/organisations/", "организации: список")
            link = self.pick_link(page.text, r"/organisations/\d+/")
            if link:
                self.get(link, "организации: карточка")

        self.run_flow(flow)

    @task(2)
    def t_people(self) -> None:
        self.run_flow(self.people_list)

    @task(3)
    def t_people_search(self) -> None:
        self.run_flow(self.people_search)

    @task(2)
    def t_person(self) -> None:
        self.run_flow(self.person_detail)

    @task(2)
    def t_pairs(self) -> None:
        self.run_flow(self.pairs_list)

    @task(1)
    def t_pairs_search(self) -> None:
        self.run_flow(self.pairs_search)

    @task(1)
    def t_pair(self) -> None:
        self.run_flow(self.pair_detail)

    @task(2)
    def t_quality(self) -> None:
        self.run_flow(self.get, "/quality/", "качество данных")

    @task(2)
    def t_indicators(self) -> None:
        def flow() -> None:
            page = self.get("/monitoring/", "показатели")
            self.indicator_links = webforms.links(page.text, r"/monitoring/(?:breakdown|people)/\?[^\"]+")

        self.run_flow(flow)

    @task(2)
    def t_indicator_detail(self) -> None:
        def flow() -> None:
            if not self.indicator_links:
                return
            link = self.rng.choice(self.indicator_links)
            name = "показатели: по организациям" if "/breakdown/" in link else "показатели: люди за цифрой"
            self.get(link, name)

        self.run_flow(flow)

    @task(2)
    def t_roadmaps(self) -> None:
        def flow() -> None:
            self.get("/roadmaps/", "дорожные карты: список")
            if PLAN.get("municipal_roadmap"):
                municipal = PLAN["municipal_roadmap"]
                self.get(f"/roadmaps/{municipal}/", "дорожные карты: карта")
                self.get(f"/roadmaps/{municipal}/matrix/", "дорожные карты: матрица исполнения")

        self.run_flow(flow)

    @task(1)
    def t_agenda(self) -> None:
        self.run_flow(self.get, "/roadmaps/agenda/", "дорожные карты: сроки (agenda)")

    @task(1)
    def t_mark(self) -> None:
        # The municipality's own items (not a school's part): methodists take different ones.
        slot, slots = self.mark_slot
        if PLAN.get("municipal_roadmap"):
            self.run_flow(
                self.mark_occurrence,
                f"/roadmaps/{PLAN['municipal_roadmap']}/",
                "дорожные карты: карта",
                lambda i: i % slots == slot % slots,
            )

    @task(1)
    def t_export_department(self) -> None:
        if self.export_due("base"):
            self.run_flow(self.export_base, "mentees", [])

    @task(1)
    def t_export_indicators(self) -> None:
        if self.export_due("indicators"):
            self.download("/monitoring/export/?format=xlsx", "выгрузка: показатели XLSX", referer="/monitoring/")

    @task(1)
    def t_export_roadmap(self) -> None:
        if PLAN.get("municipal_roadmap") and self.export_due("roadmap"):
            municipal = PLAN["municipal_roadmap"]
            self.download(
                f"/roadmaps/{municipal}/export/?format=xlsx",
                "выгрузка: дорожная карта XLSX",
                referer=f"/roadmaps/{municipal}/",
            )
