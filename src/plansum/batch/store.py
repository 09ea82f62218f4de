"""Summaries as a dataset: one row per item, each with the document id and its span.

The tables (documents, headings, indicators, goals, projects, checks) are derived from the
models, so a field added to `Indicator` becomes a column without an edit here: scalar fields
map to one column, nested models (a `Quantity`, a `Span`, a `Check`) are flattened with their
field name as a prefix (`target_value`, `target_span_start`, `span_start`, `check_status`),
and lists are left out (the outline's `children` become the `parent` column instead).

The rows live in a SQLite file (standard library; it is also the batch's ledger, so a batch
that stops can resume) and are exported to Parquet with pyarrow (the `dataset` extra) when a
batch ends.  `docs/dataset.md` documents every column; `tests/test_dataset.py` checks that
the documentation, the SQLite tables and the Parquet files agree.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import types
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from ..errors import PlansumError
from ..models import CheckRecord, DocumentInfo, Goal, Indicator, PlanSummary, Project, Section

Kind = Literal["string", "int64", "float64", "bool"]

log = logging.getLogger(__name__)  # plansum.batch.store

DATASET_VERSION = "1"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind


def _leaf_kind(tp: Any) -> Kind | None:
    if tp is bool:
        return "bool"
    if tp is int:
        return "int64"
    if tp is float:
        return "float64"
    if tp is str:
        return "string"
    if isinstance(tp, type) and issubclass(tp, Enum):
        return "string"
    if get_origin(tp) is Literal:
        return "string"
    return None


def _columns(model: type[BaseModel], prefix: str = "") -> list[Column]:
    """The flat columns of a model: scalars as they are, nested models with a prefix."""
    out: list[Column] = []
    for name, field in model.model_fields.items():
        tp = field.annotation
        if get_origin(tp) in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
        else:
            args = [tp]
        col = f"{prefix}{name}"
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if len(models) == 1 and len(args) == 1:
            out += _columns(models[0], f"{col}_")
            continue
        if any(get_origin(a) in (list, dict, tuple) or a in (list, dict) for a in args):
            continue  # children, chunk lists: not a column
        kinds = {_leaf_kind(a) for a in args}
        if len(kinds) == 1 and None not in kinds:
            kind = kinds.pop()
        elif kinds <= {"int64", "float64"}:
            kind = "float64"
        else:
            kind = "string"  # a mix (an enum or a literal): written as text
        assert kind is not None
        out.append(Column(col, kind))
    return out


def _item_table(model: type[BaseModel]) -> list[Column]:
    return [Column("document_id", "string"), Column("ordinal", "int64"), *_columns(model)]


# Columns an analyst filters indicators on without a join: where the row comes from, the
# place, the indicator's key in `plansum track` (the ledger's name normaliser: 地区生产总值年均增速,
# 生产总值 and GDP are all `gdp`), and its growth rate in per cent wherever the document
# wrote it (增长6% is `growth`; a table's 年均增速 | 6% is a `target` that is a rate).
_INDICATOR_TAIL = [
    Column("source", "string"),
    Column("region", "string"),
    Column("region_code", "string"),
    Column("indicator_key", "string"),
    Column("indicator_label", "string"),
    Column("rate_raw", "string"),
    Column("rate_value", "float64"),
    Column("rate_upper", "float64"),
    Column("rate_comparator", "string"),
]


# The batch's own columns of the documents table; then DocumentInfo's fields and the run.
_DOC_HEAD = [
    Column("document_id", "string"),
    Column("source", "string"),
    Column("sha256", "string"),
    Column("bytes", "int64"),
    Column("status", "string"),
    Column("error_kind", "string"),
    Column("error", "string"),
    Column("settings_key", "string"),
    Column("seconds", "float64"),
    Column("processed_at", "string"),
]
_DOC_TAIL = [
    Column("overview", "string"),
    Column("mode", "string"),
    Column("model", "string"),
    Column("prompt_version", "string"),
    Column("plansum_version", "string"),
    Column("schema_version", "string"),
    Column("prompt_tokens", "int64"),
    Column("completion_tokens", "int64"),
    Column("chunks", "int64"),
    Column("degraded_chunks", "int64"),
    Column("n_headings", "int64"),
    Column("n_indicators", "int64"),
    Column("n_goals", "int64"),
    Column("n_projects", "int64"),
    Column("n_checks", "int64"),
]

TABLES: dict[str, list[Column]] = {
    "documents": [*_DOC_HEAD, *_columns(DocumentInfo), *_DOC_TAIL],
    "headings": [
        Column("document_id", "string"),
        Column("ordinal", "int64"),
        Column("parent", "int64"),
        *_columns(Section),
    ],
    "indicators": [*_item_table(Indicator), *_INDICATOR_TAIL],
    "goals": _item_table(Goal),
    "projects": _item_table(Project),
    "checks": _item_table(CheckRecord),
}

_SQL_TYPE = {"string": "TEXT", "int64": "INTEGER", "float64": "REAL", "bool": "INTEGER"}


def schema_fingerprint() -> str:
    import hashlib

    raw = json.dumps({t: [(c.name, c.kind) for c in cols] for t, cols in TABLES.items()})
    return hashlib.sha256(f"{DATASET_VERSION}:{raw}".encode()).hexdigest()[:16]


# ---------------------------------------------------------------------------------------
# Summary -> rows


def _flat(obj: Any, prefix: str, out: dict[str, Any]) -> dict[str, Any]:
    """A model's fields as flat columns (nested models with a prefix, enums as their value,
    lists left out): the names `_columns` gives, without a model_dump per item."""
    for name, v in obj.__dict__.items():
        if isinstance(v, BaseModel):
            _flat(v, f"{prefix}{name}_", out)
        elif isinstance(v, Enum):
            out[prefix + name] = v.value
        elif isinstance(v, list | dict | tuple):
            continue
        else:
            out[prefix + name] = v
    return out


def _row(cols: list[Column], item: BaseModel | None, **fixed: Any) -> dict[str, Any]:
    flat = _flat(item, "", {}) if item is not None else {}
    flat.update(fixed)
    return {c.name: flat.get(c.name) for c in cols}


def _headings(sections: list[Section]) -> Iterator[tuple[Section, int | None]]:
    """Pre-order, each with its parent's ordinal."""
    counter = 0

    def walk(secs: list[Section], parent: int | None) -> Iterator[tuple[Section, int | None]]:
        nonlocal counter
        for s in secs:
            mine = counter
            counter += 1
            yield s, parent
            yield from walk(s.children, mine)

    yield from walk(sections, None)


def summary_rows(
    document_id: str, summary: PlanSummary, document: dict[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    """All rows of one summary, the documents row included (with `document` for the batch's
    own columns: source, sha256, bytes, status, seconds …)."""
    out: dict[str, list[dict[str, Any]]] = {}
    headings = list(_headings(summary.outline))
    prov = summary.provenance
    extra = {
        "overview": summary.overview,
        "mode": prov.mode,
        "model": prov.model,
        "prompt_version": prov.prompt_version,
        "plansum_version": prov.plansum_version,
        "schema_version": prov.schema_version,
        "prompt_tokens": prov.prompt_tokens,
        "completion_tokens": prov.completion_tokens,
        "chunks": len(prov.chunks),
        "degraded_chunks": sum(1 for c in prov.chunks if c.degraded),
        "n_headings": len(headings),
        "n_indicators": len(summary.indicators),
        "n_goals": len(summary.goals),
        "n_projects": len(summary.projects),
        "n_checks": len(summary.checks),
    }
    out["documents"] = [
        _row(TABLES["documents"], summary.document, **{**document, **extra, "document_id": document_id})
    ]
    out["headings"] = [
        _row(
            TABLES["headings"],
            s,
            document_id=document_id,
            ordinal=k,
            parent=parent,
        )
        for k, (s, parent) in enumerate(headings)
    ]
    items: dict[str, list[Any]] = {
        "indicators": summary.indicators,
        "goals": summary.goals,
        "projects": summary.projects,
        "checks": summary.checks,
    }
    for table, values in items.items():
        out[table] = [
            _row(TABLES[table], v, document_id=document_id, ordinal=k)
            for k, v in enumerate(values)
        ]
    info = summary.document
    place = {
        "source": document.get("source"),
        "region": info.region,
        # DocumentInfo.region_code comes with the region reader (issue 19): empty before it
        "region_code": getattr(info, "region_code", None),
    }
    for row, ind in zip(out["indicators"], summary.indicators, strict=True):
        row.update(place)
        row.update(indicator_columns(ind))
    return out


def indicator_columns(ind: Indicator) -> dict[str, Any]:
    """The indicator's key and label as `plansum track` aligns them, and its growth rate.

    The rate is the first of growth, target, actual that `plansum track` reads as a growth
    rate in per cent (a 翻一番, 个百分点 or 倍 is not one)."""
    from ..ledger.align import _measure
    from ..parse.names import indicator_key

    key, label, _headline = indicator_key(ind.name)
    out: dict[str, Any] = {"indicator_key": key or None, "indicator_label": label or None}
    for q in (ind.growth, ind.target, ind.actual):
        if q is not None and _measure(ind, q) == ("growth", "%"):
            out.update(
                rate_raw=q.raw, rate_value=q.value, rate_upper=q.upper,
                rate_comparator=q.comparator.value if isinstance(q.comparator, Enum) else q.comparator,
            )
            break
    return out


def failure_row(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The documents row of a document that failed (no items)."""
    return {"documents": [_row(TABLES["documents"], None, **document)]}


# ---------------------------------------------------------------------------------------
# The store


class Store:
    """The SQLite file of a batch: the dataset, and the ledger that makes a batch resumable.

    Only the process that runs the batch writes; each document is written in one transaction,
    so an interrupted batch leaves whole documents or none."""

    FILENAME = "plansum.sqlite"

    def __init__(self, out_dir: Path) -> None:
        self.dir = out_dir
        self.path = out_dir / self.FILENAME
        self.recovered: str | None = None  # what was done about a damaged file, if anything
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PlansumError(f"cannot use the output directory {out_dir}: {exc}") from exc
        try:
            self._open()
            problem = self._damage()
            if problem is None:
                self._create()
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc):
                raise PlansumError(f"cannot use {self.path}: {exc}") from exc
            problem = str(exc)
        if problem is not None:
            self._rebuild(problem)

    def _open(self) -> None:
        try:
            self.conn = sqlite3.connect(self.path)
        except sqlite3.Error as exc:
            raise PlansumError(f"cannot use the output directory {self.dir}: {exc}") from exc
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")

    def _damage(self) -> str | None:
        """What is wrong with the file (sqlite's quick_check: every page and row format, in
        one read of the file), or None."""
        rows = [str(r[0]) for r in self.conn.execute("PRAGMA quick_check(5)")]
        return None if rows == ["ok"] else "; ".join(rows)[:300]

    def _rebuild(self, problem: str) -> None:
        """Keep the damaged file aside (with its -wal/-shm) and start a new one holding every
        document that can be read whole, from the damaged file first, then from the Parquet
        export of an earlier run; the rest is redone by the batch."""
        from datetime import UTC, datetime

        try:
            self.conn.close()
        except sqlite3.Error:
            pass
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.FILENAME}.damaged-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = self.path.with_name(f"{self.FILENAME}.damaged-{stamp}-{n}")
        try:
            os.replace(self.path, aside)
            wal, shm = Path(f"{self.path}-wal"), Path(f"{self.path}-shm")
            if wal.exists() and wal.stat().st_size > 0:  # its unmerged writes go with it
                os.replace(wal, Path(f"{aside}-wal"))
            wal.unlink(missing_ok=True)
            shm.unlink(missing_ok=True)  # an index of the -wal, remade on open
        except OSError as exc:
            raise PlansumError(
                f"{self.path} is damaged ({problem}) and cannot be moved aside: {exc.strerror}; "
                "move it away by hand, then rerun"
            ) from exc
        self._open()
        self._create()
        from_db, extra = _salvage_sqlite(aside)
        from_parquet = _salvage_parquet(self.dir)
        docs = _whole_documents(from_db)
        from_pq = {d: r for d, r in _whole_documents(from_parquet).items() if d not in docs}
        with self.conn:
            for rows in [*docs.values(), *from_pq.values()]:
                self._insert(rows)
            for create, table, cols, values in extra:  # llm_batches: what was submitted
                self.conn.execute(create)
                marks = ", ".join("?" for _ in cols)
                names = ", ".join(f'"{c}"' for c in cols)
                self.conn.executemany(f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({marks})', values)
        self.recovered = (
            f"{self.path} was damaged ({problem}); kept it aside as {aside.name} and rebuilt "
            f"{len(docs) + len(from_pq)} document(s) from what could be read ({len(docs)} from it, "
            f"{len(from_pq)} from the Parquet files); the others are redone"
        )
        log.warning("%s", self.recovered)

    def _insert(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        for table, table_rows in rows.items():
            if not table_rows:
                continue
            cols = TABLES[table]
            names = ", ".join(f'"{c.name}"' for c in cols)
            marks = ", ".join("?" for _ in cols)
            self.conn.executemany(
                f'INSERT OR REPLACE INTO "{table}" ({names}) VALUES ({marks})',
                ([r.get(c.name) for c in cols] for r in table_rows),
            )

    def _create(self) -> None:
        with self.conn:
            self.conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            for table, cols in TABLES.items():
                defs = ", ".join(f'"{c.name}" {_SQL_TYPE[c.kind]}' for c in cols)
                pk = (
                    ', PRIMARY KEY ("document_id")'
                    if table == "documents"
                    else ', PRIMARY KEY ("document_id", "ordinal")'
                )
                self.conn.execute(f'CREATE TABLE IF NOT EXISTS "{table}" ({defs}{pk})')
                have = {r[1] for r in self.conn.execute(f'PRAGMA table_info("{table}")')}
                for c in cols:  # a newer plansum added a field: add its column
                    if c.name not in have:
                        self.conn.execute("DELETE FROM meta WHERE key = 'exported'")
                        self.conn.execute(
                            f'ALTER TABLE "{table}" ADD COLUMN "{c.name}" {_SQL_TYPE[c.kind]}'
                        )
            self.conn.execute('CREATE INDEX IF NOT EXISTS documents_source ON documents ("source")')
            self.conn.execute(
                "INSERT OR REPLACE INTO meta VALUES ('dataset_schema', ?)", (schema_fingerprint(),)
            )

    def done(self) -> dict[str, str]:
        """document_id -> settings_key of every document summarized without error."""
        rows = self.conn.execute(
            "SELECT document_id, settings_key FROM documents WHERE status = 'ok'"
        )
        return {d: k for d, k in rows}

    def write(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        """Replace one document's rows (a rerun with other settings overwrites them)."""
        doc = rows["documents"][0]
        try:
            self._replace(doc, rows)
        except sqlite3.Error as exc:  # a full disk, the file removed under us …
            raise PlansumError(f"cannot write to {self.path}: {exc}") from exc

    def _replace(self, doc: dict[str, Any], rows: dict[str, list[dict[str, Any]]]) -> None:
        with self.conn:
            # This id's old rows, and those of the file's previous content (same source).
            stale = [doc["document_id"]] + [
                r[0]
                for r in self.conn.execute(
                    "SELECT document_id FROM documents WHERE source = ? AND document_id != ?",
                    (doc["source"], doc["document_id"]),
                )
            ]
            self.conn.execute("DELETE FROM meta WHERE key = 'exported'")  # the Parquet is behind now
            for table in TABLES:
                self.conn.executemany(
                    f'DELETE FROM "{table}" WHERE document_id = ?', [(d,) for d in stale]
                )
            self._insert(rows)

    def failures(self) -> list[tuple[str, str, str, str]]:
        """(document_id, source, error_kind, error) of the documents that failed."""
        return list(
            self.conn.execute(
                "SELECT document_id, source, error_kind, error FROM documents "
                "WHERE status = 'failed' ORDER BY source"
            )
        )

    def counts(self) -> dict[str, int]:
        return {t: self.conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}

    def close(self) -> None:
        self.conn.close()

    # -- Parquet
    def exported(self) -> list[Path] | None:
        """The Parquet files of the last export, if no document was written since and they are
        all still there: a finished batch that is run again need not load pyarrow and every
        row to write them again (issue 22)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'exported'").fetchone()
        if row is None:
            return None
        paths = [self.dir / f"{table}.parquet" for table in TABLES]
        return paths if row[0] == str(self.dir.resolve()) and all(p.is_file() for p in paths) else None

    def export_parquet(self, out_dir: Path | None = None, batch_rows: int = 50_000) -> list[Path]:
        """Write one Parquet file per table (atomically: a reader never sees half a file)."""
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:
            raise PlansumError(
                "Parquet needs pyarrow: pip install 'plansum[dataset]' (the SQLite file "
                f"{self.path} holds the same tables)"
            ) from exc
        target = out_dir or self.dir
        written: list[Path] = []
        for table, cols in TABLES.items():
            schema = arrow_schema(table)
            order = "document_id" if table == "documents" else "document_id, ordinal"
            names = ", ".join(f'"{c.name}"' for c in cols)
            cur = self.conn.execute(f'SELECT {names} FROM "{table}" ORDER BY {order}')
            path = target / f"{table}.parquet"
            bools = [i for i, c in enumerate(cols) if c.kind == "bool"]
            # A name of its own for the file being written: two exports never share one.
            tmp = target / f".{table}.parquet.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp"
            doing = f"write {tmp}"
            try:
                with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
                    while True:
                        chunk = cur.fetchmany(batch_rows)
                        if not chunk:
                            break
                        arrays = list(zip(*chunk, strict=True))
                        data: list[Any] = []
                        for i, c in enumerate(cols):
                            values = arrays[i]
                            if i in bools:
                                values = tuple(None if v is None else bool(v) for v in values)
                            data.append(pa.array(values, type=schema.field(c.name).type))
                        writer.write_batch(pa.RecordBatch.from_arrays(data, schema=schema))
                doing = f"replace {path} with the new export"
                os.replace(tmp, path)
            except OSError as exc:
                tmp.unlink(missing_ok=True)
                raise PlansumError(
                    f"cannot {doing}: {exc.strerror or exc} (the rows are in {self.path})"
                ) from exc
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
            written.append(path)
        if out_dir is None or out_dir.resolve() == self.dir.resolve():
            with self.conn:
                self.conn.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('exported', ?)", (str(self.dir.resolve()),)
                )
        return written


# ---------------------------------------------------------------------------------------
# Datasette: the SQLite file with every column described, facets and canned queries

# The question an analyst asks first; docs/dataset.md shows it in DuckDB with its output.
GDP_GROWTH_SQL = """SELECT region, year, period, kind, rate_raw, name, source
FROM indicators
WHERE indicator_key = 'gdp' AND rate_raw IS NOT NULL
ORDER BY region, year, period, kind DESC, rate_raw"""

CANNED_QUERIES = {
    "gdp_growth": {
        "title": "GDP growth target and result by region and year",
        "description": "Every figure plansum read as the growth of 地区生产总值 (any of its names): "
        "kind = target or actual; period is set for a five-year figure (年均).",
        "sql": GDP_GROWTH_SQL,
    },
    "targets_by_indicator": {
        "title": "Targets of one indicator by region and year",
        "sql": "SELECT region, year, period, name, target_raw, growth_raw, rate_raw, source "
        "FROM indicators WHERE kind = 'target' AND indicator_key = :key "
        "ORDER BY region, year",
    },
}

_FACETS = {
    "documents": ["region", "doc_type", "period", "status"],
    "indicators": ["region", "year", "kind", "indicator_key"],
    "goals": ["horizon_year"],
    "projects": ["status"],
    "headings": ["kind"],
    "checks": ["status"],
}


def column_descriptions() -> dict[str, dict[str, str]]:
    """Each table's columns with their meaning, read from the Columns part of docs/dataset.md
    (shipped in the package; a source checkout reads docs/ beside src/)."""
    import re
    from importlib import resources

    text = None
    packaged = resources.files("plansum").joinpath("docs", "dataset.md")
    if packaged.is_file():
        text = packaged.read_text(encoding="utf-8")
    else:
        for up in Path(__file__).resolve().parents:
            if (up / "docs" / "dataset.md").is_file() and (up / "pyproject.toml").is_file():
                text = (up / "docs" / "dataset.md").read_text(encoding="utf-8")
                break
    out: dict[str, dict[str, str]] = {t: {} for t in TABLES}
    if text is None:
        return out
    for m in re.finditer(r"^### `(\w+)`\n(.*?)(?=^### |^## |\Z)", text, re.M | re.S):
        if m.group(1) in out:
            for name, _kind, meaning in re.findall(
                r"^\| `(\w+)` \| (\w+) \| (.+) \|$", m.group(2), re.M
            ):
                out[m.group(1)][name] = meaning.replace("`", "")
    return out


_TABLE_TEXT = {
    "documents": "One row per document, failed ones included (status, error).",
    "headings": "One row per heading of the outline.",
    "indicators": "One row per quantitative indicator, with its document's region and the key "
    "plansum track aligns it on.",
    "goals": "One row per qualitative goal.",
    "projects": "One row per project.",
    "checks": "One row per check the LLM path made (rejected numbers, fallbacks).",
}


def datasette_metadata(database: str = "plansum") -> dict[str, Any]:
    """Datasette's metadata for a batch's SQLite file: `datasette OUT/plansum.sqlite
    -m OUT/datasette.json` opens it with every column described, facets on region, year and
    kind, and the canned queries above."""
    described = column_descriptions()
    tables = {
        t: {
            "description": _TABLE_TEXT[t],
            "columns": {c.name: described[t].get(c.name, "") for c in cols},
            "facets": _FACETS.get(t, []),
        }
        for t, cols in TABLES.items()
    }
    tables["meta"] = {"hidden": True}  # type: ignore[dict-item]
    return {
        "title": "plansum batch",
        "description": "Summaries of plan documents: every item with its document and the "
        "character span of its evidence. Columns: docs/dataset.md.",
        "databases": {database: {"tables": tables, "queries": CANNED_QUERIES}},
    }


def write_datasette_metadata(out_dir: Path) -> Path:
    path = out_dir / "datasette.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(
        json.dumps(datasette_metadata(Path(Store.FILENAME).stem), ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    os.replace(tmp, path)
    return path


# ---------------------------------------------------------------------------------------
# A damaged store: what can be read of it, and of the Parquet export

_COUNTS = {
    "headings": "n_headings",
    "indicators": "n_indicators",
    "goals": "n_goals",
    "projects": "n_projects",
    "checks": "n_checks",
}


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    """Not a database, or a malformed one (not: locked, read-only, cannot open)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    return not isinstance(exc, sqlite3.OperationalError)


Salvage = dict[str, list[dict[str, Any]]]


def _salvage_sqlite(path: Path) -> tuple[Salvage, list[tuple[str, str, list[str], list[tuple[Any, ...]]]]]:
    """Every row of every table that reads, up to the first damaged page of each; and the
    other tables (the Batch API's llm_batches) as (create sql, name, columns, rows)."""
    out: Salvage = {t: [] for t in TABLES}
    extra: list[tuple[str, str, list[str], list[tuple[Any, ...]]]] = []
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return out, extra
    try:
        try:
            others = list(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
        except sqlite3.Error:
            others = []
        for table in TABLES:
            got = _readable_rows(conn, table)
            if got is not None:
                names, rows = got
                out[table] = [dict(zip(names, row, strict=True)) for row in rows]
        for name, sql in others:
            if name in TABLES or name == "meta" or not sql:
                continue
            got = _readable_rows(conn, name)
            if got is not None and got[1]:
                create = sql.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1)
                extra.append((create, name, got[0], [tuple(r) for r in got[1]]))
    finally:
        conn.close()
    return out, extra


def _readable_rows(conn: sqlite3.Connection, table: str) -> tuple[list[str], list[Any]] | None:
    """(columns, rows) of `table` that can be read, in rowid order.  A damaged leaf page
    stops a scan; the scan goes on from further rowids (by leaps that double), so the rows
    of the pages after the damage are read too.  None when the table cannot be read at all."""
    query = f'SELECT rowid, * FROM "{table}" WHERE rowid > ? ORDER BY rowid'
    try:
        names = [d[0] for d in conn.execute(f'SELECT * FROM "{table}" LIMIT 0').description]
    except sqlite3.Error:
        return None
    rows: list[Any] = []
    after, leap, misses = 0, 1, 0
    while misses < 48:  # 2**48 rowids past the last good one: nothing more is there
        try:
            for row in conn.execute(query, (after,)):
                rows.append(row[1:])
                after, leap, misses = row[0], 1, 0
            return names, rows
        except sqlite3.DatabaseError:
            after, leap, misses = after + leap, leap * 2, misses + 1
    return names, rows


def _salvage_parquet(directory: Path) -> Salvage:
    out: Salvage = {t: [] for t in TABLES}
    try:
        import pyarrow.parquet as pq
    except ImportError:
        return out
    for table in TABLES:
        path = directory / f"{table}.parquet"
        if not path.is_file():
            continue
        try:
            out[table] = pq.read_table(path).to_pylist()
        except Exception:  # noqa: BLE001 - a damaged or foreign file: nothing from it
            out[table] = []
    return out


def _whole_documents(rows: Salvage) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """The documents whose every row was read: a summarized document's row counts its
    headings, indicators … and a document is kept only when each count is met."""
    by_doc: dict[str, dict[str, dict[Any, dict[str, Any]]]] = {}
    for table in _COUNTS:
        for r in rows.get(table, []):
            did = r.get("document_id")
            if did is not None:
                by_doc.setdefault(did, {}).setdefault(table, {})[r.get("ordinal")] = r
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for doc in rows.get("documents", []):
        did = doc.get("document_id")
        if not did or not doc.get("source") or doc.get("status") not in ("ok", "failed"):
            continue
        items = by_doc.get(did, {})
        if doc["status"] == "ok" and any(
            len(items.get(t, {})) != (doc.get(n) or 0) for t, n in _COUNTS.items()
        ):
            continue  # some of its rows were on a damaged page: redo it
        out[did] = {"documents": [doc], **{t: list(items.get(t, {}).values()) for t in _COUNTS}}
    return out


def arrow_schema(table: str) -> Any:
    import pyarrow as pa

    types_ = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_()}
    return pa.schema([pa.field(c.name, types_[c.kind]) for c in TABLES[table]])


def iter_columns() -> Iterable[tuple[str, Column]]:
    for table, cols in TABLES.items():
        for c in cols:
            yield table, c
