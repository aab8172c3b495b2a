"""Inserting many new rows of one model at once: PostgreSQL's COPY where the database is PostgreSQL,
Django's `bulk_create` elsewhere; and `new(model, **values)`, the objects themselves built for it.

`bulk_create` spends most of its time preparing every value of every row through the field's
`get_db_prep_save` and sending a multi-row INSERT; COPY takes the rows as CSV text, which the server loads
about three times faster (docs/performance.md, «Импорт базы»). The ids are taken from the table's own
sequence first (`nextval` for all the rows in one query), so the objects have their pk afterwards, exactly as
after `bulk_create`, and the constraints, defaults of the database and sequences stay the database's.

What Django does before an insert is done here too: `auto_now` / `auto_now_add` fields are set by the
field's own `pre_save`, a related object saved after it was assigned gives its pk
(`_prepare_related_fields_for_save`, as `bulk_create` calls it), and the objects are marked saved.
A value of a type the CSV text cannot carry as it is (a decimal, a UUID, a JSON value, a lazy text) goes
through the field's own preparation. Database errors are Django's (`IntegrityError`, `DataError`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from operator import attrgetter

from django.db import connections, models, router
from django.db.models.base import ModelState

# Values the CSV text carries as they are (a bool is written «True» / «False», which PostgreSQL reads).
_PLAIN = (str, int, float, bool, date, datetime, time)
BATCH = 5000


class _Blank:
    """What `Model.__init__` gives a model's fields when they are not named: worked out once per model."""

    def __init__(self, model: type[models.Model]) -> None:
        fields = model._meta.concrete_fields
        self.fixed = {f.attname: f.get_default() for f in fields if not (f.has_default() and callable(f.default))}
        self.varying = [(f.attname, f) for f in fields if f.has_default() and callable(f.default)]
        self.relations = {f.name for f in fields if f.is_relation}
        self.attnames = {f.attname for f in fields} | {f.name for f in fields if not f.is_relation}


_BLANKS: dict[type, _Blank] = {}


def new(model: type[models.Model], **values) -> models.Model:
    """`model(**values)` for the thousands of objects of a bulk write, at a fraction of the cost.

    `Model.__init__` walks every field, its default and its descriptor for each object (a third of an
    import's time in the objects alone); here the defaults are worked out once per model, the values of
    plain fields are set directly and only related objects go through their descriptors (the id and the
    cached object, as `__init__` sets them). The models built this way send no pre_init/post_init signals
    (none of ours has receivers) and take field names only: anything else is refused, as `__init__` would.
    """
    blank = _BLANKS.get(model) or _BLANKS.setdefault(model, _Blank(model))
    obj = model.__new__(model)
    obj._state = ModelState()
    attributes = obj.__dict__
    attributes.update(blank.fixed)
    for attname, field in blank.varying:
        attributes[attname] = field.get_default()
    for name, value in values.items():
        if name in blank.relations:
            setattr(obj, name, value)
        elif name in blank.attnames:
            attributes[name] = value
        else:
            raise TypeError(f"{model.__name__}() got an unexpected keyword argument {name!r}")
    return obj


def insert(objs: Sequence[models.Model], *, batch_size: int = 1000) -> None:
    """Insert `objs` (new objects of one model, without pk) and give each its pk."""
    if not objs:
        return
    model = type(objs[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        model._default_manager.using(alias).bulk_create(objs, batch_size=batch_size)
        return
    meta = model._meta
    fields = [field for field in meta.concrete_fields if field.column]
    auto_set = [field for field in fields if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)]
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        for field in auto_set:
            field.pre_save(obj, add=True)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv)"
    attnames = attrgetter(*(field.attname for field in fields))
    with connection.wrap_database_errors, connection.cursor() as cursor:
        for start in range(0, len(objs), BATCH):
            chunk = objs[start : start + BATCH]
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(chunk)],
            )
            for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = pk
            cursor.cursor.copy_expert(sql, _csv(map(attnames, chunk), fields, connection))
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Insert new rows of `model` given as values of the fields `names` (attribute names), without making
    a model object of each on PostgreSQL: for many rows nobody reads back (audit entries). The other
    fields but the pk take their defaults, as a new object would."""
    if not rows:
        return
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(names, row, strict=True))) for row in rows]
        model._default_manager.using(alias).bulk_create(objs, batch_size=1000)
        return
    meta = model._meta
    by_attname = {field.attname: field for field in meta.concrete_fields}
    others = [field for field in meta.concrete_fields if field.attname not in names and not field.primary_key]
    fixed = tuple(field.get_default() for field in others if not callable(field.default))
    varying = [field for field in others if callable(field.default)]
    fields = [by_attname[name] for name in names] + [f for f in others if not callable(f.default)] + varying

    def complete(row):
        return (*row, *fixed, *(field.get_default() for field in varying))

    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv)"
    with connection.wrap_database_errors, connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            chunk = map(complete, rows[start : start + BATCH])
            cursor.cursor.copy_expert(sql, _csv(chunk, fields, connection))


def _csv(rows: Iterable[Sequence], fields: list, connection) -> io.StringIO:
    """The rows as CSV for COPY: every value but a number quoted (so an empty text stays an empty text),
    NULL the one unquoted empty field."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    json_fields = [isinstance(field, models.JSONField) for field in fields]
    for values in rows:
        row = []
        for field, is_json, value in zip(fields, json_fields, values, strict=True):
            if value is not None and (
                is_json or type(value) not in _PLAIN or (type(value) is datetime and value.tzinfo is None)
            ):
                value = _prepared(field, value, connection)
            row.append(_NULL if value is None else value)
        writer.writerow(row)
    buffer.seek(0)
    return buffer


def _prepared(field, value, connection):
    """A value the CSV cannot carry as it is, as the field prepares it, in text."""
    if isinstance(field, models.JSONField):
        return json.dumps(value, cls=field.encoder, ensure_ascii=False)
    value = field.get_db_prep_save(value, connection)
    if value is None or type(value) in _PLAIN:
        return value
    return str(value)


class _Null:
    """NULL in COPY's CSV: an empty field without quotes. csv.writer leaves a number unquoted, and takes
    anything with `__float__` for a number."""

    def __float__(self) -> float:
        return 0.0

    def __str__(self) -> str:
        return ""


_NULL = _Null()
