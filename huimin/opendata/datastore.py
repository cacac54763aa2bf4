"""The datastore: the rows of each loaded resource version in a table of its own, typed and indexed.

One table per version, `od_rows_<version.pk>`, with `_row` (the 1-based data row number in the file, the
primary key), `_hash` (a hash of the row's cells, to tell versions apart) and one column per resource column
named by its key (c0, c1, …), typed by its ColumnType and indexed. SQL is written here by hand: identifiers
come only from our own keys (checked against `KEY_RE`) and version ids, never from what people type; every
value is a bound parameter. Works on SQLite and PostgreSQL.

Queries take `Filter`s ("col:op:value" parsed by `parse_filters`, the column by key, name or title) and
sort keys; every problem with them is a `QueryError` whose Chinese message names the column, operator or
value at fault (the API answers it as a 400).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from . import cells
from .enums import Aggregation, ColumnType

OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte", "contains", "in")
OPERATOR_WORDS = {
    "eq": "等于",
    "ne": "不等于",
    "lt": "小于",
    "lte": "小于等于",
    "gt": "大于",
    "gte": "大于等于",
    "contains": "包含",
    "in": "属于其中之一",
}
SQL_OPERATORS = {"eq": "=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
MAX_IN_VALUES = 100
MAX_SORT_KEYS = 3
KEY_RE = re.compile(r"^c\d{1,4}$")
BATCH = 5000
# Text columns whose longest value is longer than this are not indexed on PostgreSQL (a B-tree entry must
# fit in a third of a page).
PG_INDEX_MAX_BYTES = 2000
SQL_TYPES = {
    "sqlite": {
        ColumnType.TEXT: "TEXT",
        ColumnType.INTEGER: "INTEGER",
        ColumnType.NUMBER: "REAL",
        ColumnType.DATE: "TEXT",
        ColumnType.BOOLEAN: "INTEGER",
    },
    "postgresql": {
        ColumnType.TEXT: "text",
        ColumnType.INTEGER: "bigint",
        ColumnType.NUMBER: "double precision",
        ColumnType.DATE: "date",
        ColumnType.BOOLEAN: "boolean",
    },
}
logger = logging.getLogger(__name__)
EMPTY_LABEL = "（空）"
COUNT_CACHE_SECONDS = 3600
SQLITE_MMAP_BYTES = 2**30


class QueryError(ValueError):
    """A filter, sort or page that cannot be answered; the message is Chinese and names the problem."""


@dataclass(frozen=True)
class Filter:
    column: str  # a column key ("c0")
    op: str
    value: str


@dataclass
class RowPage:
    total: int
    page: int
    page_size: int
    columns: list[dict]
    rows: list[dict]


def max_page_size() -> int:
    return int(getattr(settings, "HUIMIN_OPENDATA_MAX_PAGE_SIZE", 1000))


def table_name(version) -> str:
    return f"od_rows_{int(version.pk)}"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _key(key: str) -> str:
    if not KEY_RE.match(key):
        raise QueryError(f"未知的字段：{key}")
    return _q(key)


def _vendor() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


# ------------------------------------------------------------------------------------------- parsing


def find_column(spec: str, columns: list[dict]) -> dict:
    """The column a spec names, by key first, then original header, then title."""
    spec = spec.strip()
    for field in ("key", "name", "title"):
        for column in columns:
            if column.get(field) == spec:
                return column
    raise QueryError(f"未知的字段：{spec}")


def _column_label(column: dict) -> str:
    return column.get("title") or column.get("name") or column["key"]


def convert_value(column: dict, value: str):
    """A filter value in the column's type (a Python value); a QueryError naming it if it does not fit."""
    column_type = column["type"]
    if column_type == ColumnType.TEXT:
        return value
    try:
        converted = cells.CONVERTERS[column_type](value)
    except (ValueError, OverflowError):
        converted = None
    if converted is None:
        word = cells.TYPE_WORDS[column_type]
        raise QueryError(f"字段“{_column_label(column)}”的值“{value[:50]}”不是有效的{word}。")
    return converted


def _check_filter(item: Filter, column: dict) -> None:
    if item.op not in OPERATORS:
        raise QueryError(f"未知的运算符：{item.op[:20]}（可用：{'、'.join(OPERATORS)}）")
    if item.op == "contains":
        if column["type"] != ColumnType.TEXT:
            raise QueryError(f"运算符 contains 只能用于文本字段，字段“{_column_label(column)}”不是文本。")
        if not item.value:
            raise QueryError(f"字段“{_column_label(column)}”的 contains 条件缺少要查找的内容。")
        return
    if item.op == "in":
        values = item.value.split("|")
        if len(values) > MAX_IN_VALUES:
            raise QueryError(f"运算符 in 最多可列 {MAX_IN_VALUES} 个值。")
        for value in values:
            convert_value(column, value)
        return
    convert_value(column, item.value)


def parse_filters(specs: list[str], columns: list[dict]) -> list[Filter]:
    """Filters from "col:op:value" specs; the column may be named by key, header or title."""
    filters = []
    for spec in specs:
        parts = spec.split(":", 2)
        if len(parts) != 3 or not parts[0].strip():
            raise QueryError(f"筛选条件“{spec[:50]}”格式不对，应为“字段:运算符:值”。")
        column = find_column(parts[0], columns)
        item = Filter(column=column["key"], op=parts[1].strip().lower(), value=parts[2])
        _check_filter(item, column)
        filters.append(item)
    return filters


def parse_sort(spec: str | None, columns: list[dict]) -> list[tuple[str, bool]]:
    """Sort keys from "col" / "-col" (comma-separated): [(key, descending)]."""
    if not spec or not spec.strip():
        return []
    keys = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        descending = part.startswith("-")
        column = find_column(part.lstrip("-"), columns)
        keys.append((column["key"], descending))
    if len(keys) > MAX_SORT_KEYS:
        raise QueryError(f"最多按 {MAX_SORT_KEYS} 个字段排序。")
    return keys


def _as_filter(item, columns: list[dict]) -> Filter:
    """A Filter from a Filter or a stored dict ({"column", "op", "value"}, as DataChart keeps them)."""
    if isinstance(item, Filter):
        column = find_column(item.column, columns)
        item = Filter(column=column["key"], op=item.op, value=item.value)
    else:
        column = find_column(str(item.get("column", "")), columns)
        item = Filter(
            column=column["key"], op=str(item.get("op", "")).lower(), value=str(item.get("value", ""))
        )
    _check_filter(item, column)
    return item


# ------------------------------------------------------------------------------------------ building


def _db_value(column_type: str, value):
    """A Python value as this engine stores it (SQLite keeps dates as ISO text and booleans as 0/1)."""
    if value is None or _vendor() == "postgresql":
        return value
    if column_type == ColumnType.DATE:
        return value.isoformat()
    if column_type == ColumnType.BOOLEAN:
        return int(value)
    return value


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _where(filters: Iterable, columns: list[dict], bare: frozenset = frozenset()) -> tuple[str, list]:
    """The WHERE clause and its parameters. Columns in `bare` are written so that no index serves their
    condition (SQLite's unary `+`), which leaves the index of the sort key to drive the query."""
    by_key = {column["key"]: column for column in columns}
    clauses, params = [], []
    for raw in filters:
        item = _as_filter(raw, columns)
        column = by_key[item.column]
        name = _key(item.column)
        if item.column in bare:
            name = f"+{name}"
        if item.op == "contains" and _vendor() == "sqlite":
            # instr, not LIKE: SQLite's LIKE ignores the case of Latin letters, PostgreSQL's does not.
            clauses.append(f"instr({name}, %s) > 0")
            params.append(item.value)
        elif item.op == "contains":
            clauses.append(f"{name} LIKE %s ESCAPE '\\'")
            params.append(f"%{_escape_like(item.value)}%")
        elif item.op == "in":
            values = list(dict.fromkeys(item.value.split("|")))
            clauses.append(f"{name} IN ({', '.join(['%s'] * len(values))})")
            params.extend(_db_value(column["type"], convert_value(column, value)) for value in values)
        elif item.op == "ne":
            clauses.append(f"({name} IS NULL OR {name} <> %s)")
            params.append(_db_value(column["type"], convert_value(column, item.value)))
        else:
            clauses.append(f"{name} {SQL_OPERATORS[item.op]} %s")
            params.append(_db_value(column["type"], convert_value(column, item.value)))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _order(sort: Iterable[tuple[str, bool]], columns: list[dict]) -> str:
    keys = {column["key"] for column in columns}
    parts, last_descending = [], False
    for key, descending in sort:
        if key not in keys:
            raise QueryError(f"未知的排序字段：{key}")
        parts.append(f"{_key(key)} {'DESC' if descending else 'ASC'}")
        last_descending = descending
    parts.append(f"{_q('_row')} {'DESC' if last_descending else 'ASC'}")
    return " ORDER BY " + ", ".join(parts)


def _output(columns: list[dict]):
    """Converters from stored values to JSON-ready ones, per column."""
    postgres = _vendor() == "postgresql"

    def as_date(value):
        return value.isoformat() if isinstance(value, date) else value

    def as_bool(value):
        return None if value is None else bool(value)

    def as_float(value):
        return None if value is None else float(value)

    converters = []
    for column in columns:
        if column["type"] == ColumnType.DATE and postgres:
            converters.append(as_date)
        elif column["type"] == ColumnType.BOOLEAN:
            converters.append(as_bool)
        elif column["type"] == ColumnType.NUMBER:
            converters.append(as_float)
        else:
            converters.append(None)
    return converters


def _convert_row(row, converters) -> list:
    return [
        value if converter is None else converter(value)
        for value, converter in zip(row, converters, strict=True)
    ]


def _loaded_columns(version) -> list[dict]:
    if not version.columns or not exists(version):
        raise QueryError("该资源还没有导入成功的数据。")
    return version.columns


# ------------------------------------------------------------------------------------------- queries


def query_rows(version, *, filters=(), sort=(), page: int = 1, page_size: int = 20) -> RowPage:
    """One page of rows, filtered and sorted, with the total count under the same filters."""
    columns = _loaded_columns(version)
    try:
        page, page_size = int(page), int(page_size)
    except (TypeError, ValueError):
        raise QueryError("页码和每页条数必须是正整数。") from None
    if page < 1:
        raise QueryError("页码必须是正整数。")
    if page_size < 1:
        raise QueryError("每页条数必须是正整数。")
    if page_size > max_page_size():
        raise QueryError(f"每页条数不能超过 {max_page_size()}。")
    items = [_as_filter(item, columns) for item in filters]
    sort = list(sort)
    order = _order(sort, columns)
    total = count_rows(version, items)
    offset = (page - 1) * page_size
    keys = [column["key"] for column in columns]
    rows = []
    if total and offset < total:
        bare = _walk_sort_index(version, items, sort, total, offset + page_size) or _prefer_equality(items)
        where, params = _where(items, columns, bare)
        table = _q(table_name(version))
        select = ", ".join([_q("_row"), *(_key(key) for key in keys)])
        converters = _output(columns)
        _tune_connection()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {select} FROM {table}{where}{order} LIMIT %s OFFSET %s",  # noqa: S608 - our identifiers
                [*params, page_size, offset],
            )
            fetched = cursor.fetchall()
        for record in fetched:
            row = {"_row": record[0]}
            row.update(zip(keys, _convert_row(record[1:], converters), strict=True))
            rows.append(row)
    return RowPage(total=total, page=page, page_size=page_size, columns=columns, rows=rows)


def _walk_sort_index(version, items: list[Filter], sort: list, total: int, needed: int) -> frozenset:
    """Which filter columns to keep off their indexes so that the sort key's index drives the query.

    SQLite picks one index per query: the filter's (read every match, then sort them) or the sort key's
    (read in order, test each row, stop at the page). With the exact match count in hand the cheaper one is
    known: walking reads about `needed` × rows / matches rows, filtering reads `matches` rows and sorts them.
    A filter on the sort key itself keeps its index (a range read in order). PostgreSQL's planner estimates
    this itself from its statistics.
    """
    if _vendor() != "sqlite" or not items:
        return frozenset()
    walked = needed * max(version.row_count, 1) / total
    if walked >= total:
        return frozenset()
    first_key = sort[0][0] if sort else None
    return frozenset(item.column for item in items if item.column != first_key)


def _prefer_equality(items: list[Filter]) -> frozenset:
    """On SQLite, with an equality filter present, keep range and other filters off their indexes.

    SQLite guesses a range's size without looking (and often picks a wide range over a narrow equality);
    an equality's size it knows from ANALYZE, so among equalities it chooses well.
    """
    if _vendor() != "sqlite":
        return frozenset()
    equal = {item.column for item in items if item.op in ("eq", "in")}
    if not equal:
        return frozenset()
    return frozenset(item.column for item in items if item.column not in equal)


def _tune_connection() -> None:
    """Let SQLite read the datastore through memory-mapped I/O (about half the cost of random row reads)."""
    if _vendor() == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")


def count_rows(version, filters=()) -> int:
    """How many rows match the filters. Counted once per version, filters and column types, then cached:
    a loaded table never changes (a reload with new types is another cache key)."""
    columns = _loaded_columns(version)
    items = [_as_filter(item, columns) for item in filters]
    if not items:
        return version.row_count
    from django.core.cache import cache

    where, params = _where(items, columns)
    types = [column["type"] for column in columns]
    identity = [table_name(version), version.sha256, types, where, [str(param) for param in params]]
    fingerprint = hashlib.sha256(json.dumps(identity, ensure_ascii=False).encode()).hexdigest()
    key = f"huimin-opendata-count:{fingerprint}"
    total = cache.get(key)
    if total is None:
        negated = [item for item in items if item.op == "ne"]
        if len(negated) == 1:
            # "not equal" counted as all rows less the equal ones: two index counts instead of a scan.
            rest = [item for item in items if item is not negated[0]]
            equal = Filter(negated[0].column, "eq", negated[0].value)
            total = _count_sql(version, rest, columns) - _count_sql(version, [*rest, equal], columns)
        else:
            total = _count_sql(version, items, columns)
        cache.set(key, total, COUNT_CACHE_SECONDS)
    return total


def _count_sql(version, items: list[Filter], columns: list[dict]) -> int:
    if not items:
        return version.row_count
    _tune_connection()
    where, params = _where(items, columns, _prefer_equality(items))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {_q(table_name(version))}{where}", params)  # noqa: S608
        return cursor.fetchone()[0]


def iter_rows(version, *, filters=(), sort=(), batch: int = BATCH) -> Iterator[tuple]:
    """Every row (filtered, sorted) as a tuple of JSON-ready values in column order, read in batches."""
    columns = _loaded_columns(version)
    where, params = _where(filters, columns)
    sort = list(sort)
    table = _q(table_name(version))
    select = ", ".join([_q("_row"), *(_key(column["key"]) for column in columns)])
    converters = _output(columns)
    row_key = _q("_row")
    _tune_connection()
    if not sort:
        # Keyset paging over the primary key: constant cost per batch however deep.
        last = 0
        joiner = " AND " if where else " WHERE "
        while True:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {select} FROM {table}{where}{joiner}{row_key} > %s "  # noqa: S608
                    f"ORDER BY {row_key} LIMIT %s",
                    [*params, last, batch],
                )
                fetched = cursor.fetchall()
            for record in fetched:
                yield tuple(_convert_row(record[1:], converters))
            if len(fetched) < batch:
                return
            last = fetched[-1][0]
    order = _order(sort, columns)
    offset = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {select} FROM {table}{where}{order} LIMIT %s OFFSET %s",  # noqa: S608
                [*params, batch, offset],
            )
            fetched = cursor.fetchall()
        for record in fetched:
            yield tuple(_convert_row(record[1:], converters))
        if len(fetched) < batch:
            return
        offset += batch


def _label(value) -> str:
    if value is None:
        return EMPTY_LABEL
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def aggregate(
    version,
    *,
    label_column: str,
    value_columns: list[str],
    aggregation: str,
    filters=(),
    limit: int = 50,
) -> list[tuple[str, list[float]]]:
    """Chart data: (label, [value per value column]).

    `none`: each row in source order; `sum` / `avg` / `count` (of non-empty values, or of rows when no value
    column is given): grouped by the label column, ordered by it. Empty values count as 0.
    """
    columns = _loaded_columns(version)
    if aggregation not in Aggregation.values:
        raise QueryError(f"未知的汇总方式：{aggregation}")
    label = find_column(label_column, columns)
    values = [find_column(key, columns) for key in value_columns]
    if aggregation != Aggregation.COUNT:
        if not values:
            raise QueryError("请至少选择一个数值字段。")
        for column in values:
            if column["type"] not in (ColumnType.INTEGER, ColumnType.NUMBER):
                raise QueryError(
                    f"字段“{_column_label(column)}”不是数值，不能用于{Aggregation(aggregation).label}。"
                )
    where, params = _where(filters, columns)
    table = _q(table_name(version))
    label_sql = _key(label["key"])
    label_out = _output([label])[0]
    limit = max(1, int(limit))
    if aggregation == Aggregation.NONE:
        select = ", ".join([label_sql, *(_key(column["key"]) for column in values)])
        sql = f"SELECT {select} FROM {table}{where} ORDER BY {_q('_row')} LIMIT %s"  # noqa: S608
    else:
        function = {"sum": "SUM", "avg": "AVG", "count": "COUNT"}[aggregation]
        parts = [f"{function}({_key(column['key'])})" for column in values] or ["COUNT(*)"]
        sql = (
            f"SELECT {label_sql}, {', '.join(parts)} FROM {table}{where} "  # noqa: S608
            f"GROUP BY {label_sql} ORDER BY {label_sql} LIMIT %s"
        )
    _tune_connection()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        fetched = cursor.fetchall()
    result = []
    for record in fetched:
        shown = label_out(record[0]) if label_out else record[0]
        result.append((_label(shown), [float(value) if value is not None else 0.0 for value in record[1:]]))
    return result


# ------------------------------------------------------------------------------------------- loading


def exists(version) -> bool:
    if version is None or version.pk is None:
        return False
    with connection.cursor() as cursor:
        if _vendor() == "postgresql":
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table_name(version)])
            return bool(cursor.fetchone()[0])
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [table_name(version)]
        )
        return cursor.fetchone() is not None


def create(version, columns: list[dict]) -> None:
    """Create the version's table (dropping one left over under the same name)."""
    types = SQL_TYPES[_vendor()]
    parts = [
        f"{_q('_row')} INTEGER PRIMARY KEY" if _vendor() == "sqlite" else f"{_q('_row')} bigint PRIMARY KEY"
    ]
    parts.append(f"{_q('_hash')} {'INTEGER' if _vendor() == 'sqlite' else 'bigint'} NOT NULL")
    for column in columns:
        parts.append(f"{_key(column['key'])} {types[column['type']]}")
    drop(version)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {_q(table_name(version))} ({', '.join(parts)})")


def load(version, columns: list[dict], rows: Iterable[tuple]) -> int:
    """Insert (row number, hash, values…) tuples in batches; returns how many rows."""
    table = _q(table_name(version))
    names = [_q("_row"), _q("_hash"), *(_key(column["key"]) for column in columns)]
    count = 0
    if _vendor() == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    adapters = [
        (index + 2, column["type"])
        for index, column in enumerate(columns)
        if column["type"] in (ColumnType.DATE, ColumnType.BOOLEAN)
    ]
    if adapters:
        rows = (_adapt_sqlite(row, adapters) for row in rows)
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while True:
            batch = []
            for row in iterator:
                batch.append(row)
                if len(batch) >= BATCH:
                    break
            if not batch:
                break
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _adapt_sqlite(row: tuple, adapters) -> tuple:
    row = list(row)
    for index, column_type in adapters:
        value = row[index]
        if value is not None:
            row[index] = value.isoformat() if column_type == ColumnType.DATE else int(value)
    return tuple(row)


def finish(version, columns: list[dict]) -> None:
    """Index every column and the row hash, then gather the planner's statistics.

    On PostgreSQL each index is (column, _row), so that a sort on a column with many equal values is still
    read in order from the index (SQLite's indexes carry the row id already); text columns with a value too
    long for a B-tree entry are left unindexed. Once the load is committed the table is vacuumed, so that
    counts can be answered from the indexes alone.
    """
    table_raw = table_name(version)
    table = _q(table_raw)
    postgres = _vendor() == "postgresql"
    with connection.cursor() as cursor:
        long_text: set[str] = set()
        if postgres:
            text_keys = [column["key"] for column in columns if column["type"] == ColumnType.TEXT]
            if text_keys:
                cursor.execute(
                    "SELECT "  # noqa: S608 - our identifiers
                    + ", ".join(f"COALESCE(MAX(octet_length({_key(key)})), 0)" for key in text_keys)
                    + f" FROM {table}"
                )
                lengths = cursor.fetchone()
                long_text = {
                    key for key, length in zip(text_keys, lengths, strict=True) if length > PG_INDEX_MAX_BYTES
                }
        row = _q("_row")
        cursor.execute(f"CREATE INDEX {_q(f'{table_raw}__hash')} ON {table} ({_q('_hash')})")
        for column in columns:
            key = column["key"]
            if key in long_text:
                continue
            indexed = f"{_key(key)}, {row}" if postgres else _key(key)
            cursor.execute(f"CREATE INDEX {_q(f'{table_raw}_{key}')} ON {table} ({indexed})")
        cursor.execute(f"ANALYZE {table}")
    if postgres:
        transaction.on_commit(lambda: _vacuum(table_raw))


def _vacuum(table_raw: str) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {_q(table_raw)}")
    except DatabaseError:  # the table was dropped meanwhile, or a transaction is open: autovacuum will do it
        logger.warning("could not vacuum %s", table_raw)


def drop(version) -> None:
    """Drop the version's table, if there is one."""
    if version is None or version.pk is None:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_q(table_name(version))}")


def row_changes(old, new) -> tuple[int, int]:
    """(rows added, rows removed) from version `old` to version `new`, compared by row hash."""
    old_table, new_table = _q(table_name(old)), _q(table_name(new))
    hash_ = _q("_hash")
    counts = []
    with connection.cursor() as cursor:
        for first, second in ((new_table, old_table), (old_table, new_table)):
            cursor.execute(
                f"SELECT COUNT(*) FROM {first} a WHERE NOT EXISTS "  # noqa: S608 - our identifiers
                f"(SELECT 1 FROM {second} b WHERE b.{hash_} = a.{hash_})"
            )
            counts.append(cursor.fetchone()[0])
    return counts[0], counts[1]
