"""The contingent of a whole department for one year, as one XLSX: the template out, the upload in.

The template lists every organisation of the department (code and short name) with the five
numbers already reported for that year; the methodist collects the numbers and uploads the file.

The upload goes through `common.files.uploads.check_workbook` (size, kind of file, password,
macros, zip bomb) before openpyxl opens it. Then every row is checked — the organisation (by
«Код ОО», or by its short or full name when the code is empty), each number (an integer, not
negative), a part not larger than its whole, an organisation not listed twice — and the report
lists every problem with its row, column and a Russian message. Only a file without problems is
saved, all rows in one transaction: the year's record of each listed organisation gets exactly the
file's numbers (an empty cell: not reported). A row whose five numbers are all empty is skipped —
the organisation has not reported, and what was entered for it before stays as it is.
"""

from monitoring.contingent.layout import (
    CODE,
    COLUMNS,
    HEADER_SCAN_COLUMNS,
    HEADER_SCAN_ROWS,
    HEADERS,
    MAX_NUMBER,
    MAX_PROBLEMS,
    MAX_ROWS,
    NAME,
    NUMBERS,
    TOTAL_ROWS,
    Column,
    ContingentReport,
    ContingentRow,
)
from monitoring.contingent.template import (
    TITLE_ROWS,
    template_filename,
    write_template,
)
from monitoring.contingent.upload import (
    check_contingent,
    import_contingent,
)

__all__ = [
    "CODE",
    "COLUMNS",
    "Column",
    "ContingentReport",
    "ContingentRow",
    "HEADERS",
    "HEADER_SCAN_COLUMNS",
    "HEADER_SCAN_ROWS",
    "MAX_NUMBER",
    "MAX_PROBLEMS",
    "MAX_ROWS",
    "NAME",
    "NUMBERS",
    "TITLE_ROWS",
    "TOTAL_ROWS",
    "check_contingent",
    "import_contingent",
    "template_filename",
    "write_template",
]
