"""What both browser suites share: the server under test (argv[1]), where
screenshots go, the engine's name, a run id for unique references, and
JSON calls to the native API as an ERP makes them."""

import json
import os
import sys
import time
import urllib.error
import urllib.request

BASE = sys.argv[1].rstrip("/")
SHOTS = os.environ.get("SCREENSHOTS", "target/screenshots")
ENGINE = os.environ.get("ENGINE", "sqlite")
os.makedirs(SHOTS, exist_ok=True)
RUN = str(int(time.time() * 1000))[-8:]


def api(method, path, body=None, token=None):
    req = urllib.request.Request(BASE + path, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    data = json.dumps(body).encode() if body is not None else None
    try:
        with urllib.request.urlopen(req, data) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        raise AssertionError(f"{method} {path}: {e.code} {e.read().decode()}")
