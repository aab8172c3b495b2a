"""The replica's router against a real streaming replica, run in a process of its own by
tests/replica/test_streaming_replica.py (its settings name a private primary and its standby:
DATABASE_URL, DATABASE_REPLICA_URL). Prints one JSON object of what it saw; the test judges it.

A methodist opens the indicator drill-down (a page marked for the replica) and its XLSX export:
1. with the replica caught up: the page reads the replica;
2. with the replica's replay paused, the methodist renames a mentor through the person form: the replica
   lacks the new name, and the methodist's next page reads the primary, showing it (a page right after a
   write reads the write) — while another session, with no write to wait for, reads the replica's copy;
3. with replay resumed: the page reads the replica again, showing the new name;
4. in one unit of work, a write inside a replica block sends the block's next reads to the primary.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
django.setup()

from django.db import connections, router  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from common import replica  # noqa: E402
from jobs import exports, runner  # noqa: E402
from monitoring.models import Contingent  # noqa: E402
from registry.access import editable_organisations  # noqa: E402
from registry.forms.people import PersonForm  # noqa: E402
from registry.models import Person  # noqa: E402
from tests import factories  # noqa: E402

YEAR = date.today().year


def main() -> dict:
    seen: dict = {}
    counts = {"default": 0, "replica": 0, "replay_checks": 0}

    def counting(alias):
        def wrapper(execute, sql, params, many, context):
            # the router's question «has the replica replayed this far?» apart from the page's reads
            counts["replay_checks" if "pg_last_wal_replay_lsn" in sql else alias] += 1
            return execute(sql, params, many, context)

        return wrapper

    department = factories.EducationDepartmentFactory()
    school = factories.OrganisationFactory(department=department)
    methodist = factories.methodist(department)
    Contingent.objects.create(organisation=school, year=YEAR, teachers=40)  # the indicator counts reporting schools
    first = factories.teacher(school, last_name="Первонаставников", competencies="математика")
    factories.pair(first, [factories.teacher(school)], format_name="учитель – учитель", entry_date=date(YEAR, 1, 15))
    client = Client(HTTP_HOST="localhost")  # a host the settings allow outside the test runner
    client.force_login(methodist)
    drilldown = reverse("indicator_drilldown") + f"?indicator=teachers_mentors_share&year={YEAR}"
    export = reverse("indicators_export") + f"?format=xlsx&first={YEAR}&last={YEAR}"

    def request(name: str, url: str) -> str:
        counts.update(default=0, replica=0, replay_checks=0)
        with (
            connections["default"].execute_wrapper(counting("default")),
            connections["replica"].execute_wrapper(counting("replica")),
        ):
            response = client.get(url)
        body = b"".join(response) if response.streaming else response.content
        seen[name] = {"status": response.status_code, **counts}
        return body.decode(errors="replace")

    def on_replica(sql: str) -> None:
        with connections["replica"].cursor() as cursor:
            cursor.execute(sql)

    seen["caught_up_at_start"] = replica.caught_up(wait=30)
    html = request("caught_up", drilldown)
    seen["caught_up"]["shows_first"] = "Первонаставников" in html
    request("export", export)
    counts.update(default=0, replica=0, replay_checks=0)
    with connections["replica"].execute_wrapper(counting("replica")):
        exporter = exports.get("indicators")(methodist, {"format": "xlsx", "first": str(YEAR), "last": str(YEAR)})
        job = runner.start_export(methodist, exporter, total=1)  # run at once (the tests' task backend)
    job.refresh_from_db()
    seen["export_job"] = {"status": job.status, "replica": counts["replica"]}

    on_replica("SELECT pg_wal_replay_pause()")
    # the methodist renames the mentor through the person form: their own write, committed on the primary
    form = PersonForm(instance=first, organisations=editable_organisations(methodist))
    data = {field.name: field.value() for field in form}
    data = {name: value for name, value in data.items() if value not in (None, False)}
    data["last_name"] = "Переименованов"
    response = client.post(reverse("person_edit", args=[first.pk]), data)
    seen["rename"] = {"status": response.status_code, "cookie": replica.COOKIE in response.cookies}
    seen["replica_has_rename"] = Person.objects.using("replica").filter(last_name="Переименованов").exists()
    html = request("after_write", drilldown)
    seen["after_write"]["shows_rename"] = "Переименованов" in html
    # someone else, with no write of their own to wait for, reads the replica: the copy as it stood
    someone = Client(HTTP_HOST="localhost")
    someone.force_login(methodist)
    client, mine = someone, client
    html = request("someone_else", drilldown)
    seen["someone_else"]["shows_old_name"] = "Первонаставников" in html
    client = mine

    on_replica("SELECT pg_wal_replay_resume()")
    seen["caught_up_after_resume"] = replica.caught_up(wait=30)
    html = request("replayed", drilldown)
    seen["replayed"]["shows_rename"] = "Переименованов" in html

    with replica.unit_of_work(), replica.reading() as used:
        seen["block_uses_replica"] = used
        seen["read_before_write"] = router.db_for_read(Person)
        Person.objects.filter(pk=first.pk).update(position="учитель физики")
        seen["read_after_write"] = router.db_for_read(Person)
        seen["reads_own_write"] = Person.objects.get(pk=first.pk).position == "учитель физики"
    return seen


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main(), ensure_ascii=False) + "\n")
