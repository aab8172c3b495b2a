import io

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from pypdf import PdfReader

from tests import factories

pytestmark = pytest.mark.django_db


def test_the_command_writes_the_order_of_the_pairs_without_one(world, school_pairs, tmp_path):
    out = tmp_path / "приказ.docx"
    call_command("pair_order", "--organisation", "a1", "--output", str(out), stdout=io.StringIO())
    text = "\n".join(" | ".join(c.text for c in row.cells) for t in Document(str(out)).tables for row in t.rows)
    assert "Шевченко Ольга Ивановна" in text and "Черных Иван Петрович" in text and "Старов" not in text
    pdf = tmp_path / "приказ.pdf"
    call_command(
        "pair_order",
        "--organisation",
        "a1",
        "--pairs",
        str(school_pairs[2].pk),
        "--output",
        str(pdf),
        stdout=io.StringIO(),
    )
    assert "Старов" in " ".join(page.extract_text() for page in PdfReader(str(pdf)).pages)


def test_the_command_refuses_in_russian(world, school_pairs, tmp_path):
    other = factories.pair(factories.student(world.school_a2, birth_year=2009), [factories.student(world.school_a2)])
    cases = [
        (["--organisation", "nope", "--output", str(tmp_path / "a.docx")], "Организации с кодом «nope» нет."),
        (["--organisation", "a1", "--output", str(tmp_path / "a.txt")], "укажите имя с расширением .docx или .pdf"),
        (
            ["--organisation", "a1", "--pairs", str(other.pk), "--output", str(tmp_path / "a.docx")],
            "другой организации",
        ),
        (["--organisation", "a1", "--pairs", "x", "--output", str(tmp_path / "a.docx")], "Пары указаны неверно"),
    ]
    for arguments, message in cases:
        with pytest.raises(CommandError, match=message):
            call_command("pair_order", *arguments)
    assert not list(tmp_path.iterdir())
