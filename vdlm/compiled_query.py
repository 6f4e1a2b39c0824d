"""Queries whose SQL Django builds once per process instead of at every request.

On the public pages, building a queryset and compiling it to SQL costs Django more
than the database needs to answer it (`make profile`: 0.3–1 ms of Python for a
query the database answers in 0.1 ms). A page's queries have the same shape at every
request; only a few values change (the edition's id, today's date). A CompiledQuery
builds its queryset once with stand-in values, keeps the SQL and Django's converters
for the result columns, and at each call runs that SQL with the real values: the same
SQL, the same rows, the same Python types as the queryset would give.

It finds where each value goes by compiling twice with two sets of stand-ins and
checking that they land in the same places; a queryset whose SQL depends on the
values themselves (an `__in` list, a LIKE pattern) is refused when first used, with
a message saying why (rows_for_ids() below compiles an `__in` list once per length).
Only values_list() querysets (flat ones give values, as they do): model instances
would need Django's whole iterable machinery, which is what this skips.

The builder must take every changing value as an argument: a value it reads itself
(timezone.now() inside a queryset method) would be compiled in and never change.
"""

import datetime
import functools
import weakref

from django.db import connections
from django.db.models.query import FlatValuesListIterable, ValuesListIterable

_ADAPTERS = {
    # How Django turns a lookup value of this type into a query parameter, per backend.
    int: lambda ops, value: value,
    str: lambda ops, value: str(value),  # a TextChoices member as its value
    datetime.date: lambda ops, value: ops.adapt_datefield_value(value),
    datetime.datetime: lambda ops, value: ops.adapt_datetimefield_value(value),
}


def _stand_ins(kinds, variant):
    """Values of the given types that no real query uses, different for variant 1 and 2."""
    values = []
    for index, kind in enumerate(kinds):
        if kind is int:
            values.append(-(variant * 10**12 + index))
        elif kind is str:
            # With LIKE's special characters: a lookup that escapes or wraps its value
            # (iexact on SQLite, contains) changes it, so it is refused, not run unescaped.
            values.append(f"compiled%query_{variant}\\{index}")
        elif kind is datetime.date:
            values.append(datetime.date(1900 + variant, 1, 1 + index))
        elif kind is datetime.datetime:
            values.append(datetime.datetime(1900 + variant, 1, 1 + index, 12, tzinfo=datetime.UTC))
        else:
            raise TypeError(f"CompiledQuery takes int, str, date and datetime values, not {kind.__name__}")
    return values


class _Compiled:
    __slots__ = ("converters", "compiler", "flat", "params", "slots", "sql")


class CompiledQuery:
    """A values_list() queryset built by `build(*values)`, compiled once per database connection.

        upcoming = CompiledQuery(lambda day: Edition.objects.filter(start_date__gte=day).values_list("pk"),
                                 datetime.date)
        rows = upcoming(timezone.localdate())   # a list of tuples, as list(queryset) would give

    `kinds` are the types of the values, in order (int, str, datetime.date,
    datetime.datetime); each value must reach the SQL as a plain parameter.
    """

    def __init__(self, build, *kinds, using="default"):
        self.build = build
        self.kinds = kinds
        self.using = using
        # Per connection object (one per thread): the compiler keeps its connection for
        # the converters, and each backend writes its own SQL.
        self._by_connection = weakref.WeakKeyDictionary()

    def _compile(self, connection):
        first = self._params_and_compiler(connection, 1)
        second = self._params_and_compiler(connection, 2)
        (sql, params, compiler, flat), (sql_again, params_again, _, _) = first, second
        if sql != sql_again or len(params) != len(params_again):
            raise ValueError("CompiledQuery: the query's SQL changes with its values; build it as a queryset instead")
        stand_ins = [self._adapt(connection, value) for value in _stand_ins(self.kinds, 1)]
        stand_ins_again = [self._adapt(connection, value) for value in _stand_ins(self.kinds, 2)]
        slots = []  # (position in params, index of the value)
        for position, (value, value_again) in enumerate(zip(params, params_again, strict=True)):
            if value == value_again:
                continue  # a constant of the query (published=True, a kind)
            matches = [
                index
                for index in range(len(self.kinds))
                if value == stand_ins[index] and value_again == stand_ins_again[index]
            ]
            if len(matches) != 1:
                raise ValueError(
                    f"CompiledQuery: parameter {position} of the query is not one of its values as given "
                    "(a LIKE pattern or a computed value?); build it as a queryset instead"
                )
            slots.append((position, matches[0]))
        if len({index for _, index in slots}) != len(self.kinds):
            raise ValueError("CompiledQuery: a value does not reach the query's SQL")
        compiled = _Compiled()
        compiled.sql = sql
        compiled.params = list(params)
        compiled.slots = slots
        compiled.compiler = compiler
        compiled.flat = flat
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        compiled.converters = compiler.get_converters(fields)
        return compiled

    def _params_and_compiler(self, connection, variant):
        queryset = self.build(*_stand_ins(self.kinds, variant))
        if queryset._iterable_class not in (ValuesListIterable, FlatValuesListIterable):
            raise TypeError("CompiledQuery needs a values_list() queryset (not a named one)")
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        return sql, tuple(params), compiler, queryset._iterable_class is FlatValuesListIterable

    def _adapt(self, connection, value):
        # By the first of its classes that has an adapter: a datetime is also a date, and a
        # choice (TextChoices) is a str.
        adapt = next((_ADAPTERS[cls] for cls in type(value).__mro__ if cls in _ADAPTERS), None)
        if adapt is None or isinstance(value, bool):
            raise TypeError(f"CompiledQuery takes int, str, date and datetime values, not {type(value).__name__}")
        return adapt(connection.ops, value)

    def __call__(self, *values):
        connection = connections[self.using]
        compiled = self._by_connection.get(connection)
        if compiled is None:
            compiled = self._by_connection[connection] = self._compile(connection)
        if len(values) != len(self.kinds):
            raise TypeError(f"CompiledQuery takes {len(self.kinds)} values, {len(values)} given")
        params = list(compiled.params)
        for position, index in compiled.slots:
            params[position] = self._adapt(connection, values[index])
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        if compiled.flat:
            return [row[0] for row in rows]
        return [tuple(row) for row in rows] if compiled.converters else rows


def rows_for_ids(build, ids):
    """The rows of `build(ids)`, a values_list() queryset that takes a list of ids (`__in=ids`).

    An IN list has one placeholder per id, so its SQL changes with their number: it is
    compiled once per number of ids (a page of the API has at most 50). `build` must be
    the same function at every call (a module-level one), since it names the compiled query.
    """
    if not ids:
        return []
    return _compiled_for_count(build, len(ids))(*ids)


@functools.lru_cache(maxsize=512)
def _compiled_for_count(build, count):
    return CompiledQuery(lambda *ids: build(list(ids)), *([int] * count))


class Instances:
    """Model instances, with related ones as select_related() would attach them, from compiled rows.

        editions = Instances(Edition, "venue", "venue__organisation")
        query = CompiledQuery(lambda day: Edition.objects.filter(...).values_list(*editions.columns), datetime.date)
        hero = editions.load(query(today)[0])

    `columns` are every concrete field of the model and of each relation (a relation
    after the one it hangs off); load() builds the instances as Django's model loading
    does (Model.from_db), and a relation whose row is missing (a LEFT JOIN's NULLs) as
    None; columns after these (annotations) are left to the caller. A relation is a path
    of fields (forward or reverse one-to-one), or (alias, model) for a FilteredRelation
    alias, which load() sets as a plain attribute. With `through`, the model is a relation
    of the queried one ("edition" for a talk's edition): its columns are named through it.
    """

    def __init__(self, model, *relations, through="", using="default"):
        self.using = using
        self.parts = [("", model)]
        self.caches = {}  # path -> the relation field that caches its instance on the owner
        for relation in relations:
            if isinstance(relation, tuple):
                self.parts.append(relation)
                continue
            owner_path, _, name = relation.rpartition("__")
            owner = dict(self.parts)[owner_path]
            self.caches[relation] = owner._meta.get_field(name)
            self.parts.append((relation, self.caches[relation].related_model))
        self.columns = []
        self.slices = []
        for path, part_model in self.parts:
            names = [field.attname for field in part_model._meta.concrete_fields]
            start = len(self.columns)
            prefix = "__".join(part for part in (through, path) if part)
            self.columns += [f"{prefix}__{name}" if prefix else name for name in names]
            pk_index = names.index(part_model._meta.pk.attname)
            self.slices.append((path, part_model, names, slice(start, len(self.columns)), pk_index))

    def load(self, row):
        loaded = {}
        for path, part_model, names, where, pk_index in self.slices:
            values = row[where]
            instance = None if values[pk_index] is None else part_model.from_db(self.using, names, values)
            loaded[path] = instance
            if path:
                owner_path, _, name = path.rpartition("__")
                owner = loaded[owner_path]
                if owner is None:
                    continue
                if instance is None and path in self.caches:
                    # Known to be missing, as select_related() leaves it: assigning None to a
                    # reverse one-to-one would not remember that, and the next read would query.
                    self.caches[path].set_cached_value(owner, None)
                else:
                    setattr(owner, name, instance)
        return loaded[""]


# {key: CompiledQuery}, of this process; emptied when full (filters times pages fill it slowly).
_by_key = {}
_BY_KEY_KEPT = 1024


def rows_for_key(key, build):
    """The rows of `build()`, a values_list() queryset compiled once per `key`.

    For querysets shaped by a few validated values baked into their SQL (a list's
    filters, a page's LIMIT and OFFSET): `key` must name everything that shapes the
    queryset, including the day when it depends on it. `build` is called only while the
    key's query is compiled (its first use on each database connection).
    """
    compiled = _by_key.get(key)
    if compiled is None:
        if len(_by_key) >= _BY_KEY_KEPT:
            _by_key.clear()
        compiled = _by_key[key] = CompiledQuery(build)
    return compiled()
