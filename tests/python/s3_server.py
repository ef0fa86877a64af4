"""An S3-compatible server (moto) on 127.0.0.1 for the object-storage tests.

Usage: python s3_server.py BUCKET...

Creates the buckets, prints `port <n>` once it listens, and runs until its standard input
closes: the test process that started it holds the other end, so the server stops when that
process ends, however it ends. Nothing here talks to any other address.
"""

import logging
import sys

import boto3
from moto.server import ThreadedMotoServer


def main():
    # One log line per request would bury the test output.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    s3 = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    for bucket in sys.argv[1:]:
        s3.create_bucket(Bucket=bucket)
    print(f"port {port}", flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
