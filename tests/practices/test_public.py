"""The department's public page and feed, seen without an account: the published practices only, their
files, nothing of an unpublished one, and no name of anyone in the registry."""

import re
import xml.etree.ElementTree as ET
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from practices import services
from practices.models import Practice
from registry.models import Person, User
from tests import factories
from tests.conftest import client_for

PDF = b"%PDF-1.4\n%%EOF\n"
ATOM = "{http://www.w3.org/2005/Atom}"


def published(world, title, description="Наставники и молодые учителя разбирают уроки.", files=()):
    practice = services.save_practice(
        Practice(
            organisation=world.school_a1,
            format=factories.mentoring_format("учитель – учитель"),
            title=title,
            description=description,
        ),
        None,
        user=world.curator_a1,
    )
    for name in files:
        services.add_file(practice, SimpleUploadedFile(name, PDF), user=world.curator_a1)
    services.submit(practice, user=world.curator_a1)
    services.approve(practice, user=world.methodist_a)
    return services.publish(practice, user=world.methodist_a)


def test_the_public_page_shows_published_practices_only(world):
    shown = published(world, "Школа молодого педагога", files=["план_занятий.pdf"])
    draft = services.save_practice(
        Practice(organisation=world.school_a1, format=shown.format, title="Черновик практики", description="…"),
        None,
        user=world.curator_a1,
    )
    services.add_file(draft, SimpleUploadedFile("черновик.pdf", PDF), user=world.curator_a1)
    anonymous = Client()
    code = world.department_a.code

    page = anonymous.get(reverse("public_practices", args=[code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Школа молодого педагога" in html and "МБОУ СОШ № 1" in html and "план_занятий.pdf" in html
    assert "Черновик практики" not in html
    assert "Вход для сотрудников" in html
    links = set(re.findall(r'href="([^"]*)"', html))
    private = {link for link in links if not link.startswith(("/static/", f"/public/{code}/", "#content"))}
    assert private == {reverse("login")}, "no way into the private site but «Вход для сотрудников»"
    assert "public" in page["Cache-Control"] and "max-age=60" in page["Cache-Control"]
    assert "default-src 'self'" in page["Content-Security-Policy"] and page["X-Frame-Options"] == "DENY"
    signed_in = client_for(world, "methodist_a").get(reverse("public_practices", args=[code]))
    assert "no-store" in signed_in["Cache-Control"] and "public" not in signed_in["Cache-Control"]

    assert anonymous.get(reverse("public_practice", args=[code, shown.pk])).status_code == 200
    assert anonymous.get(reverse("public_practice", args=[code, draft.pk])).status_code == 404
    other = world.department_b.code
    assert anonymous.get(reverse("public_practice", args=[other, shown.pk])).status_code == 404
    assert anonymous.get(reverse("public_practices", args=["no-such-code"])).status_code == 404
    assert anonymous.get(reverse("public_feed", args=["no-such-code"])).status_code == 404

    public_file = shown.files.get()
    download = anonymous.get(reverse("public_file", args=[code, public_file.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert "utf-8''%D0%BF%D0%BB%D0%B0%D0%BD" in download["Content-Disposition"]  # «план…», the original name
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF
    assert anonymous.get(reverse("public_file", args=[code, draft.files.get().pk])).status_code == 404
    assert anonymous.get(reverse("public_file", args=[other, public_file.pk])).status_code == 404

    # unpublished: gone from the page and its file with it
    services.unpublish(shown, user=world.methodist_a)
    assert anonymous.get(reverse("public_practice", args=[code, shown.pk])).status_code == 404
    assert anonymous.get(reverse("public_file", args=[code, public_file.pk])).status_code == 404


def test_the_feed_is_atom_with_the_published_entries(world):
    published(world, "Первая практика")
    published(world, "Вторая <практика> & «кавычки»", description="<script>alert(1)</script> текст")
    response = Client().get(reverse("public_feed", args=[world.department_a.code]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    titles = [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
    assert titles == ["Вторая <практика> & «кавычки»", "Первая практика"]
    summary = next(root.iter(f"{ATOM}entry")).findtext(f"{ATOM}summary")
    assert "<script>" not in summary and "&lt;script&gt;" in summary  # an HTML summary: the text escaped
    links = [entry.find(f"{ATOM}link").get("href") for entry in root.iter(f"{ATOM}entry")]
    assert all(f"/public/{world.department_a.code}/" in link for link in links)


def test_no_registry_name_reaches_the_public_page_or_the_feed(world, completed_pair):
    """Publishing is refused while a name is found; a name that comes into the registry after publication
    (a new pupil named like a word of the text) is masked on the page, in the feed and in file names."""
    practice = published(
        world,
        "Практика наставничества «Скворцова»",
        description="Наставник Скворцовой Анне помогла с уроками. Благодарим.",
        files=["итоги_скворцовой.pdf"],
    )
    # after publication: the registry gains a person of that surname
    factories.teacher(world.school_a2, last_name="Скворцова", first_name="Анна", patronymic="Олеговна")
    surnames = set(Person.objects.values_list("last_name", flat=True)) | set(
        User.objects.exclude(last_name="").values_list("last_name", flat=True)
    )
    anonymous = Client()
    code = world.department_a.code
    for url in (
        reverse("public_practices", args=[code]),
        reverse("public_practice", args=[code, practice.pk]),
        reverse("public_feed", args=[code]),
    ):
        text = anonymous.get(url).content.decode()
        assert "Благодарим" in text or url.endswith("feed/")
        for surname in surnames:
            stem = surname[:-1] if surname[-1] in "аяоеуюыиьй" else surname
            assert stem.lower() not in text.lower(), f"{surname} on {url}"
    download = anonymous.get(reverse("public_file", args=[code, practice.files.get().pk]))
    assert "%D1%81%D0%BA%D0%B2%D0%BE%D1%80" not in download["Content-Disposition"]  # «скво…»


def test_the_refused_name_is_listed_and_not_published(world, completed_pair):
    practice = services.save_practice(
        Practice(
            organisation=world.school_a1,
            format=completed_pair.format,
            title="Опыт пары",
            description="Ласточкину и Соловьёва благодарим.",
        ),
        [completed_pair],
        user=world.curator_a1,
    )
    services.submit(practice, user=world.curator_a1)
    services.approve(practice, user=world.methodist_a)
    try:
        services.publish(practice, user=world.methodist_a)
    except Exception as refused:
        assert "Ласточкину" in str(refused)
    html = Client().get(reverse("public_practices", args=[world.department_a.code])).content.decode()
    assert "Опыт пары" not in html
    assert date.today().year  # the page answered for an empty bank
