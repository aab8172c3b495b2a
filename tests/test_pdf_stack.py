"""The PDF stack works on this machine: WeasyPrint, Pango and the bundled Cyrillic font."""

import io
from pathlib import Path

from django.conf import settings
from pypdf import PdfReader
from weasyprint import HTML

FONT = Path(settings.BASE_DIR) / "static" / "fonts" / "dejavu" / "DejaVuSans.ttf"


def test_cyrillic_text_renders_with_the_bundled_font():
    html = f"""
    <style>
      @font-face {{ font-family: "Registry Sans"; src: url("{FONT.as_uri()}"); }}
      body {{ font-family: "Registry Sans"; }}
    </style>
    <p>База наставляемых: Ёлкин Пётр Сергеевич</p>
    """
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert "База наставляемых: Ёлкин Пётр Сергеевич" in page.extract_text()
    fonts = {str(font["/BaseFont"]) for font in (f.get_object() for f in page["/Resources"]["/Font"].values())}
    # The embedded font carries the @font-face family: the bundled file, not a system fallback.
    assert any(name.endswith("+Registry-Sans") for name in fonts), fonts
