"""Joining rendered chunks into one PDF and numbering its pages «Стр. N из M» (common/pdf/render.py)."""

from __future__ import annotations

import io
from pathlib import Path

from common.pdf.page import (
    _FOOTER_BASELINE_PT,
    _FOOTER_FONT_PT,
    _MARGIN_RIGHT_PT,
    _PAGE_CSS,
    _PAGE_WIDTH_PT,
    FONT_FAMILY,
    _font_faces,
    write,
)


def join_and_number(parts: list[bytes], static: Path, title: str) -> bytes:
    """Concatenate the chunk PDFs and write «Стр. N из M» at the foot of every page."""
    from pypdf import PdfReader, PdfWriter

    readers = [PdfReader(io.BytesIO(part)) for part in parts]
    pages = sum(len(reader.pages) for reader in readers)
    writer = PdfWriter()
    stamper = _FooterStamper(writer, static)
    number = 0
    for reader in readers:
        for page in reader.pages:
            number += 1
            stamper.stamp(writer.add_page(page), f"Стр. {number} из {pages}")
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class _FooterStamper:
    """Writes a footer line on finished pages as a few raw PDF text operators.

    Rendering M pages of footers with WeasyPrint and merging them page by page with pypdf costs
    ≈5 ms a page and a lot of memory in the parent (7 s and 350 MB for 1,400 pages); this costs
    well under a millisecond a page. The font comes from a one-line WeasyPrint render of every
    character the footers use, so it is the bundled font, embedded the way WeasyPrint does it:
    a Type 0 font with Identity-H encoding and the original glyph ids (WeasyPrint subsets with
    retained glyph ids), whose ToUnicode map keeps the text extractable. The glyph ids and
    advances for positioning come from the same TTF file (fontTools, a WeasyPrint dependency).

    The footer sits where WeasyPrint puts the @bottom-right margin box of `render_pdf_naive`:
    right-aligned to the page box's right margin, baseline 13 pt above the paper's bottom edge.
    """

    CHARACTERS = "Стр. 0123456789 из"
    FONT_NAME = "/RegistryFooter"

    def __init__(self, writer, static: Path):
        from fontTools.ttLib import TTFont
        from pypdf import PdfReader
        from pypdf.generic import DecodedStreamObject, NameObject

        self.writer = writer
        carrier_html = (
            f'<!doctype html><html><head><meta charset="utf-8"><style>{_font_faces(static)}{_PAGE_CSS}'
            f'html {{ font-family: "{FONT_FAMILY}"; }}</style></head><body><p>{self.CHARACTERS}</p></body></html>'
        )
        carrier, _pages = write(carrier_html, static)
        fonts = PdfReader(io.BytesIO(carrier)).pages[0]["/Resources"]["/Font"]
        regular = [
            fonts.raw_get(key)
            for key, font in fonts.items()
            if str(font.get_object()["/BaseFont"]).endswith("+" + FONT_FAMILY.replace(" ", "-"))
        ]
        if len(regular) != 1:
            raise RuntimeError(f"Expected one embedded {FONT_FAMILY!r} font, found {list(fonts)}")
        self.font = regular[0].clone(writer)  # into the writer, once: every page refers to it

        ttf = TTFont(static / "fonts" / "dejavu" / "DejaVuSans.ttf", lazy=True)
        cmap, hmtx, units = ttf.getBestCmap(), ttf["hmtx"], ttf["head"].unitsPerEm
        self.glyphs = {
            char: (ttf.getGlyphID(cmap[ord(char)]), hmtx[cmap[ord(char)]][0] / units) for char in self.CHARACTERS
        }
        prefix = DecodedStreamObject()
        prefix.set_data(b"q\n")  # keeps the content's graphics state away from the footer
        self.prefix = writer._add_object(prefix)
        self._name = NameObject(self.FONT_NAME)

    def stamp(self, page, text: str) -> None:
        from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

        size = _FOOTER_FONT_PT
        width = sum(self.glyphs[char][1] for char in text) * size
        glyphs = "".join(f"{self.glyphs[char][0]:04x}" for char in text)
        x = _PAGE_WIDTH_PT - _MARGIN_RIGHT_PT - width
        footer = DecodedStreamObject()
        position = f"1 0 0 1 {x:.3f} {_FOOTER_BASELINE_PT:.3f} Tm"
        footer.set_data(f"Q\nq BT {self.FONT_NAME} {size:g} Tf {position} <{glyphs}> Tj ET Q\n".encode("ascii"))
        contents = page.raw_get("/Contents")
        contents = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([self.prefix, *contents, self.writer._add_object(footer)])

        resources = page["/Resources"].get_object()
        if "/Font" not in resources:
            resources[NameObject("/Font")] = DictionaryObject()
        resources["/Font"].get_object()[self._name] = self.font
