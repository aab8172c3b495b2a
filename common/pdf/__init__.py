"""PDF with WeasyPrint and the bundled Cyrillic font: long tables in parallel chunks (`render`), any
other document in one piece (`render_html`). Importing it loads no Django: the render workers use it."""

from common.pdf.page import FONT_FAMILY, TableDocument, column_widths, font_css, url_fetcher
from common.pdf.render import last_stats, render_html, render_pdf, render_pdf_naive

__all__ = [
    "FONT_FAMILY",
    "TableDocument",
    "column_widths",
    "font_css",
    "last_stats",
    "render_html",
    "render_pdf",
    "render_pdf_naive",
    "url_fetcher",
]
