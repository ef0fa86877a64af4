"""Python flytekit and boto3 as the peers of the object-storage tests (tests/object_storage.rs).

Every command takes the server's endpoint from S3_ENDPOINT (flytekit itself reads the
FLYTE_AWS_* variables the test sets). Usage (from tests/python):
  python storage_peer.py write-inputs URI SPEC     inputs.pb (at an s3:// URI or a local path)
                                                   from SPEC, a JSON object
                                                   {name: [kind, value]}, written by flytekit
  python storage_peer.py rebind SRC DST OLD=NEW..  the LiteralMap at SRC with inputs renamed, to DST
  python storage_peer.py read-outputs URI SPEC     outputs.pb read by flytekit's TypeEngine, SPEC
                                                   {name: kind}; prints {name: value} as JSON
  python storage_peer.py read-error URI            error.pb as JSON
  python storage_peer.py keys URI                  the exact keys under a prefix, as JSON
  python storage_peer.py get URI                   the object at exactly the URI's key
  python storage_peer.py put URI TEXT              writes TEXT at exactly the URI's key
  python storage_peer.py read-checkpoint URI       what flytekit's SyncCheckpoint reads from a
                                                   previous-checkpoint prefix

Kinds: str, int, list_str, file (value: a URI), dir (value: a URI), and for outputs also
file_text / dir_texts (flytekit downloads the data and reads it: a file's text, or a directory's
`<relative name>=<text>` lines, sorted).
"""

import json
import os
import sys
import typing

import boto3
from flyteidl.core import errors_pb2, literals_pb2
from flytekit import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.models.literals import LiteralMap
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile
from storage_tasks import texts_under

KINDS = {
    "str": str,
    "int": int,
    "list_str": typing.List[str],
    "file": FlyteFile,
    "dir": FlyteDirectory,
    "file_text": FlyteFile,
    "dir_texts": FlyteDirectory,
}


def s3():
    return boto3.client(
        "s3",
        endpoint_url=os.environ["S3_ENDPOINT"],
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )


def bucket_key(uri):
    assert uri.startswith("s3://"), uri
    bucket, _, key = uri[len("s3://") :].partition("/")
    return bucket, key


def get_bytes(uri):
    bucket, key = bucket_key(uri)
    return s3().get_object(Bucket=bucket, Key=key)["Body"].read()


def put_bytes(uri, data):
    if not uri.startswith("s3://"):
        with open(uri, "wb") as f:
            f.write(data)
        return
    bucket, key = bucket_key(uri)
    s3().put_object(Bucket=bucket, Key=key, Body=data)


def write_inputs(uri, spec):
    ctx = FlyteContextManager.current_context()
    literals = {}
    for name, (kind, value) in json.loads(spec).items():
        python_type = KINDS[kind]
        if kind == "file":
            value = FlyteFile(value)
        elif kind == "dir":
            value = FlyteDirectory(value)
        literals[name] = TypeEngine.to_literal(
            ctx, value, python_type, TypeEngine.to_literal_type(python_type)
        )
    put_bytes(uri, LiteralMap(literals=literals).to_flyte_idl().SerializeToString())


def rebind(src, dst, renames):
    proto = literals_pb2.LiteralMap()
    proto.ParseFromString(get_bytes(src))
    out = literals_pb2.LiteralMap()
    for rename in renames:
        old, new = rename.split("=")
        out.literals[new].CopyFrom(proto.literals[old])
    put_bytes(dst, out.SerializeToString())


def read_outputs(uri, spec):
    ctx = FlyteContextManager.current_context()
    proto = literals_pb2.LiteralMap()
    proto.ParseFromString(get_bytes(uri))
    literals = LiteralMap.from_flyte_idl(proto).literals
    out = {}
    for name, kind in json.loads(spec).items():
        value = TypeEngine.to_python_value(ctx, literals[name], KINDS[kind])
        if kind in ("file", "dir"):
            value = literals[name].scalar.blob.uri
        elif kind == "file_text":
            with open(value.download()) as f:
                value = f.read()
        elif kind == "dir_texts":
            value = texts_under(value.download())
        out[name] = value
    print(json.dumps(out))


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
                "origin": e.origin,
            }
        )
    )


def keys(uri):
    bucket, prefix = bucket_key(uri)
    found = []
    for page in s3().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        found.extend(item["Key"] for item in page.get("Contents", []))
    print(json.dumps(sorted(found)))


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "write-inputs":
        write_inputs(*args)
    elif command == "rebind":
        rebind(args[0], args[1], args[2:])
    elif command == "read-outputs":
        read_outputs(*args)
    elif command == "read-error":
        read_error(*args)
    elif command == "keys":
        keys(*args)
    elif command == "get":
        sys.stdout.write(get_bytes(args[0]).decode())
    elif command == "read-checkpoint":
        from flytekit.core.checkpointer import SyncCheckpoint

        checkpoint = SyncCheckpoint(checkpoint_dest="unused", checkpoint_src=args[0])
        sys.stdout.write(checkpoint.read().decode())
    elif command == "put":
        put_bytes(args[0], args[1].encode())
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
