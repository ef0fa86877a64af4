"""Python flytekit as the peer of the StructuredDataset tests (tests/structured_dataset.rs):
pandas and polars DataFrames made and read by flytekit's own TypeEngine (polars through
flytekitplugins-polars, as a Python polars task uses it), next to the Rust tasks of
tests/bin/datasets.rs. The rows follow the same formula as `sales_batch` there.

Usage (from tests/python; an s3:// URI takes its server from the FLYTE_AWS_* variables):
  python dataset_peer.py write-inputs URI RAW NAME=KIND:N ...
      inputs.pb at URI, data frames stored by flytekit under the raw prefix RAW. KIND: `int`
      (the number N), `sales` (N sales rows typed with the sales columns), `plain` (the same
      rows as a plain pd.DataFrame), `polars` (the same rows as a pl.DataFrame typed with the sales
      columns, which flytekitplugins-polars stores with polars' default codec, zstd), `brotli`
      (the same rows as a Parquet file pyarrow writes with brotli, in a folder under RAW, passed
      as a StructuredDataset of that uri).
  python dataset_peer.py read-outputs URI CHECK N
      checks outputs.pb against N sales rows, read by flytekit as a Python task would:
      `sales` (o0, a table: values, dtypes, literal, a column subset, each read as a pandas and
      as a polars DataFrame), `described` (o0, the rows
      as text), `subset` (o0 the column names, o1 the units), `copied` (o0, a table). Prints
      {"uri": the table's uri} (or {}) as JSON; fails with the difference otherwise.
  python dataset_peer.py read-error URI        error.pb as JSON
"""

import datetime
import json
import sys
import tempfile
import typing

import flytekitplugins.polars  # noqa: F401 (registers flytekit's polars encoder and decoder)
import pandas as pd
import polars as pl
import polars.testing
from flyteidl.core import errors_pb2, literals_pb2
from flytekit import FlyteContextManager, kwtypes
from flytekit.core.data_persistence import FileAccessProvider
from flytekit.core.type_engine import TypeEngine
from flytekit.models.literals import LiteralMap

REGIONS = ["north", "south", "east"]
START = datetime.datetime(2024, 1, 2, 3, 4, 5)
SALES = kwtypes(region=str, units=int, price=float, ok=bool, at=datetime.datetime)
UNITS = kwtypes(units=int, region=str)
SalesFrame = typing.Annotated[pd.DataFrame, SALES]
UnitsFrame = typing.Annotated[pd.DataFrame, UNITS]
PolarsSalesFrame = typing.Annotated[pl.DataFrame, SALES]
PolarsUnitsFrame = typing.Annotated[pl.DataFrame, UNITS]


def sales_frame(n):
    ids = range(n)
    return pd.DataFrame(
        {
            "region": pd.Series([REGIONS[i % 3] for i in ids], dtype=object),
            "units": pd.Series([i * 3 - 7 for i in ids], dtype="int64"),
            "price": pd.Series([i * 0.25 + 0.1 for i in ids], dtype="float64"),
            "ok": pd.Series([i % 2 == 0 for i in ids], dtype="bool"),
            "at": pd.Series(
                [START + datetime.timedelta(hours=i, microseconds=1234 * i) for i in ids],
                dtype="datetime64[ns]",
            ),
        }
    )


def context(raw=None):
    ctx = FlyteContextManager.current_context()
    if raw is None:
        return ctx
    access = FileAccessProvider(
        local_sandbox_dir=tempfile.mkdtemp(prefix="sandbox-"), raw_output_prefix=raw
    )
    return ctx.with_file_access(access).build()


def through_flytekit(frame, python_type=pd.DataFrame, as_type=pd.DataFrame):
    """`frame` as a Python task taking an `as_type` downstream of a Python task returning it
    would see it."""
    ctx = context(tempfile.mkdtemp(prefix="raw-"))
    literal = TypeEngine.to_literal(ctx, frame, python_type, TypeEngine.to_literal_type(python_type))
    return TypeEngine.to_python_value(ctx, literal, as_type)


def storage(uri):
    return FlyteContextManager.current_context().file_access


def get_bytes(uri):
    if uri.startswith("s3://"):
        local = tempfile.mktemp()
        storage(uri).get_data(uri, local)
        uri = local
    with open(uri, "rb") as f:
        return f.read()


def put_bytes(uri, data):
    if uri.startswith("s3://"):
        local = tempfile.mktemp()
        with open(local, "wb") as f:
            f.write(data)
        storage(uri).put_data(local, uri)
        return
    with open(uri, "wb") as f:
        f.write(data)


def write_inputs(uri, raw, *specs):
    ctx = context(raw)
    literals = {}
    for spec in specs:
        name, _, rest = spec.partition("=")
        kind, _, n = rest.partition(":")
        n = int(n)
        if kind == "brotli":
            literals[name] = brotli_dataset(ctx, raw, sales_frame(n))
            continue
        value, python_type = {
            "int": lambda: (n, int),
            "sales": lambda: (sales_frame(n), SalesFrame),
            "plain": lambda: (sales_frame(n), pd.DataFrame),
            "polars": lambda: (pl.from_pandas(sales_frame(n)), PolarsSalesFrame),
        }[kind]()
        literals[name] = TypeEngine.to_literal(
            ctx, value, python_type, TypeEngine.to_literal_type(python_type)
        )
    put_bytes(uri, LiteralMap(literals=literals).to_flyte_idl().SerializeToString())


def brotli_dataset(ctx, raw, frame):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from flytekit import StructuredDataset

    local = tempfile.mkdtemp(prefix="brotli-")
    pq.write_table(pa.Table.from_pandas(frame), f"{local}/00000", compression="brotli")
    folder = ctx.file_access.get_random_remote_directory()
    ctx.file_access.put_data(local, folder, is_multipart=True)
    value = StructuredDataset(uri=folder, file_format="parquet")
    return TypeEngine.to_literal(
        ctx, value, StructuredDataset, TypeEngine.to_literal_type(StructuredDataset)
    )


def check_frame(found, expected, what):
    try:
        pd.testing.assert_frame_equal(found, expected, check_exact=True)
    except AssertionError as err:
        raise SystemExit(
            f"{what} differs: {err}\n--- found\n{found}\n{found.dtypes}\n--- expected\n{expected}\n{expected.dtypes}"
        )


def check_polars(found, expected, what):
    if expected.height == 0:
        # flytekit stores an empty object column of pandas as Arrow `null`, which has no type;
        # a Rust table's columns keep theirs.
        expected = expected.with_columns(
            pl.col(name).cast(found.schema[name])
            for name, dtype in expected.schema.items()
            if dtype == pl.Null and name in found.schema
        )
    try:
        polars.testing.assert_frame_equal(found, expected, check_exact=True)
    except AssertionError as err:
        raise SystemExit(
            f"{what} differs: {err}\n--- found\n{found}\n--- expected\n{expected}"
        )


def described(frame):
    return [
        f"{r.region}|{r.units}|{r.price!r}|{str(r.ok).lower()}|{r.at.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}"
        for r in frame.itertuples()
    ]


def read_outputs(uri, check, n):
    n = int(n)
    ctx = context()
    proto = literals_pb2.LiteralMap()
    proto.ParseFromString(get_bytes(uri))
    literals = LiteralMap.from_flyte_idl(proto).literals
    expected = sales_frame(n)
    report = {}
    if check in ("sales", "copied"):
        literal = literals["o0"]
        dataset = literal.scalar.structured_dataset
        report["uri"] = dataset.uri
        sdt = dataset.metadata.structured_dataset_type
        assert sdt.format == "parquet", sdt
        columns = [(c.name, c.literal_type.simple) for c in sdt.columns]
        wanted = TypeEngine.to_literal_type(SalesFrame if check == "sales" else pd.DataFrame)
        assert columns == [
            (c.name, c.literal_type.simple) for c in wanted.structured_dataset_type.columns
        ], columns
        frame = TypeEngine.to_python_value(ctx, literal, pd.DataFrame)
        check_frame(frame, through_flytekit(expected), f"{check} as a pd.DataFrame")
        subset = TypeEngine.to_python_value(ctx, literal, UnitsFrame)
        check_frame(subset, through_flytekit(expected)[["units", "region"]], "the units subset")
        # A Python polars task reads the same table, and the same subset. On object storage
        # flytekitplugins-polars reads only a dataset that is one file (its own layout, and
        # what our polars frames are); a folder, as flytekit's pandas encoder writes too, fails
        # there for flytekit's own frames as well ("Parquet file size is 0 bytes").
        if dataset.uri.startswith("s3://") and not dataset.uri.endswith("/00000"):
            print(json.dumps(report))
            return
        wanted = through_flytekit(expected, as_type=pl.DataFrame)
        found = TypeEngine.to_python_value(ctx, literal, pl.DataFrame)
        check_polars(found, wanted, f"{check} as a pl.DataFrame")
        subset = TypeEngine.to_python_value(ctx, literal, PolarsUnitsFrame)
        check_polars(subset, wanted.select(["units", "region"]), "the units subset in polars")
    elif check == "described":
        found = TypeEngine.to_python_value(ctx, literals["o0"], typing.List[str])
        assert found == described(expected), (found, described(expected))
    elif check == "subset":
        names = TypeEngine.to_python_value(ctx, literals["o0"], typing.List[str])
        units = TypeEngine.to_python_value(ctx, literals["o1"], typing.List[int])
        assert names == ["units", "region"], names
        assert units == list(expected["units"]), units
    else:
        raise SystemExit(f"unknown check {check}")
    print(json.dumps(report))


def read_error(uri):
    doc = errors_pb2.ErrorDocument()
    doc.ParseFromString(get_bytes(uri))
    e = doc.error
    print(
        json.dumps(
            {
                "code": e.code,
                "message": e.message,
                "kind": errors_pb2.ContainerError.Kind.Name(e.kind),
            }
        )
    )


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "write-inputs":
        write_inputs(*args)
    elif command == "read-outputs":
        read_outputs(*args)
    elif command == "read-error":
        read_error(*args)
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
