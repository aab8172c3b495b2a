"""What the exchange keeps of its own: how an organisation's files name the official columns.

`ColumnMapping`: a header of an organisation's base that the reader did not recognise, mapped by a
user to an official column on the upload's report (exchange/views.py `import_map`). The next file
of that organisation is read with it (exchange/reading.py `read_form(known=…)`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from exchange.official import FORMS, Kind
from registry.models import Organisation

COLUMN_KEYS = sorted({column.key for form in FORMS.values() for column in form.columns})


class ColumnMapping(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name="организация"
    )
    kind = models.CharField("база", max_length=20, choices=[(k.value, FORMS[k].title) for k in Kind])
    header = models.CharField("заголовок в файле (приведённый)", max_length=300)
    key = models.CharField("столбец официальной формы", max_length=40, choices=[(k, k) for k in COLUMN_KEYS])
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="кто указал"
    )
    updated_at = models.DateTimeField("когда", auto_now=True)

    class Meta:
        verbose_name = "сопоставление столбца"
        verbose_name_plural = "сопоставления столбцов"
        constraints = [
            models.UniqueConstraint(
                "organisation",
                "kind",
                "header",
                name="exchange_mapping_one_per_header",
                violation_error_message="Этот заголовок уже сопоставлен.",
            ),
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in Kind]), name="exchange_mapping_kind_valid"),
            models.CheckConstraint(condition=Q(key__in=COLUMN_KEYS), name="exchange_mapping_key_valid"),
            models.CheckConstraint(condition=~Q(header=""), name="exchange_mapping_header_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: «{self.header}» → {self.key}"


def known_headers(organisation: Organisation, kind: Kind) -> dict[str, str]:
    """The organisation's own headers of a base: normalised header → column key."""
    return dict(ColumnMapping.objects.filter(organisation=organisation, kind=kind).values_list("header", "key"))
