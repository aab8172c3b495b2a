"""Hostile input: every text field takes it, and every page, PDF and XLSX renders it inert.

The hostile values: `<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, the formula starts
`=HYPERLINK(…)`, `+cmd|' /C calc'!A0`, `-2+3`, `@SUM(A1)`, a NUL, the control characters \\x01-\\x1f, the
RTL override, zero-width and combining characters, and texts exactly as long as a column takes or
5,000 characters long.

1. **The database** (`seeding.seed`, `test_pages.py`): every free-text column of the registry, roadmap,
   monitoring and exchange models — found through `_meta`, so a new one is picked up (`NOT_FREE_TEXT`
   lists, with the reason, the few that cannot hold free text) — is filled directly, bypassing the forms,
   in three variants: markup, formulas, and stress (control characters, NUL, bidi and zero-width
   characters, longest values). Every page of the project (`PAGES`, checked against the project's URL
   names) is then rendered as the methodist and the curator: the raw markup never appears, and the main
   pages show the values escaped.
2. **Every file the app writes** (`test_files.py`), downloaded through the views: the bases (in the
   request and as a background job), the roadmap, the indicator table, the analytic report, the
   contingent template and the subject's extract. An XLSX has no formula and no hyperlink from user text,
   and a text that starts like a formula is stored as text with Excel's quote prefix (what
   common/files/writers.py does), while numbers stay numbers; control characters do not break it. A PDF
   is rendered, in reasonable CPU time, shows the script text as text and has no /URI or /JavaScript action.
3. **The real forms** (`forms_world.FORM_CASES`, `test_forms.py`): each form is fetched and posted as its
   users post it, every free-text field set to one kind of hostile value at a time (`FORM_KINDS`). It
   stores the value exactly as typed, or refuses it with a Russian message and the database unchanged;
   never a 500. A NUL is refused with Django's own message, in Russian.
   `test_every_free_text_column_is_reached_by_…` keeps the form cases complete.
4. **Uploads** (`test_uploads.py`): an evidence document's own file name, an .xlsx base with hostile
   cells and file name, a pasted roadmap, a contingent workbook — reported, saved and shown inert.
"""
