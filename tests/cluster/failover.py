#!/usr/bin/env python3
"""The failover test (issue 20), run by scripts/cluster-test.

etcd, two Patroni members with synchronous replication, HAProxy in front
(TCP, health-checked on Patroni's GET /primary), two `haicang serve` nodes
on the cluster through HAProxy, a loopback webhook receiver, and a client
load creating and cancelling orders through both nodes. Mid-load the
primary's machine dies: SIGKILL of its Patroni and of its PostgreSQL
(killing PostgreSQL alone makes Patroni restart it in place, which is no
failover). Patroni promotes the synchronous standby; the load goes on.

Afterwards, on the new primary: every acknowledged order exists with its
reservation (or is cancelled when its cancel was acknowledged), the ledger
invariants hold, no reference has two orders, every event of the load
reached the receiver exactly once. Prints the unavailability window.

Usage: failover.py HAICANG_BINARY [--seconds-before-kill N]
"""
import argparse
import glob
import http.client
import json
import multiprocessing
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = argparse.ArgumentParser()
ARGS.add_argument("binary")
ARGS.add_argument("--seconds-before-kill", type=float, default=8.0)
ARGS.add_argument("--seconds-after-recovery", type=float, default=8.0)
ARGS.add_argument("--clients", type=int, default=6)
ARGS.add_argument("--keep", action="store_true", help="keep the temporary directory")
OPTS = ARGS.parse_args()

ROOT = tempfile.mkdtemp(prefix="haicang-cluster.")
PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))[-1]
AS_ROOT = os.getuid() == 0
PROCS = {}
T0 = time.monotonic()


def log(text):
    print(f"[{time.monotonic() - T0:6.1f}s] {text}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(name, args, as_postgres=False, env=None):
    out = open(os.path.join(ROOT, f"{name}.log"), "w")
    if as_postgres and AS_ROOT:
        args = ["runuser", "-u", "postgres", "--"] + args
    PROCS[name] = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    return PROCS[name]


def wait_for(what, check, timeout=60.0, every=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except (OSError, ValueError, http.client.HTTPException):
            pass
        time.sleep(every)
    raise SystemExit(f"FAILED: timed out waiting for {what} (logs in {ROOT})")


def http_get(port, path, timeout=2.0):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def tail(name, lines=30):
    try:
        with open(os.path.join(ROOT, f"{name}.log")) as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


# --- the cluster -----------------------------------------------------------

ETCD_CLIENT, ETCD_PEER = free_port(), free_port()
HAPROXY = free_port()
MEMBERS = [
    {"name": "pg1", "pg": free_port(), "rest": free_port()},
    {"name": "pg2", "pg": free_port(), "rest": free_port()},
]

PATRONI_YML = """\
scope: haicang-failover
name: {name}
log:
  level: WARNING
restapi:
  listen: 127.0.0.1:{rest}
  connect_address: 127.0.0.1:{rest}
etcd3:
  hosts: 127.0.0.1:{etcd}
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 1
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    synchronous_mode: true
    postgresql:
      use_pg_rewind: false
      parameters:
        max_connections: 200
        wal_level: replica
        hot_standby: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        fsync: "on"
        synchronous_commit: "on"
  initdb:
  - encoding: UTF8
  - auth: trust
  pg_hba:
  - local all all trust
  - host replication replicator 127.0.0.1/32 trust
  - host all all 127.0.0.1/32 trust
postgresql:
  listen: 127.0.0.1:{pg}
  connect_address: 127.0.0.1:{pg}
  data_dir: {root}/{name}/data
  bin_dir: {bin}
  pgpass: {root}/{name}/pgpass
  authentication:
    replication:
      username: replicator
      password: replicator
    superuser:
      username: postgres
      password: postgres
  parameters:
    unix_socket_directories: {root}/{name}
"""

HAPROXY_CFG = """\
global
  maxconn 1000
defaults
  mode tcp
  timeout connect 2s
  timeout client 30m
  timeout server 30m
  timeout check 1s
listen postgres_primary
  bind 127.0.0.1:{port}
  option httpchk GET /primary
  http-check expect status 200
  default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
{servers}
"""


def start_cluster():
    if AS_ROOT:
        pg = pwd.getpwnam("postgres")
        os.chown(ROOT, pg.pw_uid, pg.pw_gid)
    spawn("etcd", ["etcd", "--name", "e1", "--data-dir", f"{ROOT}/etcd",
                   "--listen-client-urls", f"http://127.0.0.1:{ETCD_CLIENT}",
                   "--advertise-client-urls", f"http://127.0.0.1:{ETCD_CLIENT}",
                   "--listen-peer-urls", f"http://127.0.0.1:{ETCD_PEER}",
                   "--initial-advertise-peer-urls", f"http://127.0.0.1:{ETCD_PEER}",
                   "--initial-cluster", f"e1=http://127.0.0.1:{ETCD_PEER}"], as_postgres=True)
    wait_for("etcd", lambda: http_get(ETCD_CLIENT, "/health")[0] == 200)
    for m in MEMBERS:
        os.makedirs(f"{ROOT}/{m['name']}", mode=0o700)
        if AS_ROOT:
            os.chown(f"{ROOT}/{m['name']}", pg.pw_uid, pg.pw_gid)
        path = f"{ROOT}/{m['name']}.yml"
        with open(path, "w") as f:
            f.write(PATRONI_YML.format(root=ROOT, bin=PG_BIN, etcd=ETCD_CLIENT, **m))
        spawn(f"patroni-{m['name']}", ["patroni", path], as_postgres=True)
        if m is MEMBERS[0]:
            # The first member bootstraps the cluster; the second clones it.
            wait_for("a Patroni primary", lambda: http_get(m["rest"], "/primary")[0] == 200, timeout=90)
    wait_for("a synchronous standby streaming", sync_standby, timeout=90)
    servers = "\n".join(f"  server {m['name']} 127.0.0.1:{m['pg']} maxconn 200 check port {m['rest']}" for m in MEMBERS)
    with open(f"{ROOT}/haproxy.cfg", "w") as f:
        f.write(HAPROXY_CFG.format(port=HAPROXY, servers=servers))
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    spawn("haproxy", [haproxy, "-f", f"{ROOT}/haproxy.cfg", "-db"])
    # HAProxy counts a server up until its first checks fail: wait until
    # every connection reaches the primary.
    wait_for("HAProxy to send every connection to the primary",
             lambda: all(psql("SELECT pg_is_in_recovery()") == "f" for _ in range(6)))


def cluster_members():
    status, body = http_get(MEMBERS[0]["rest"], "/cluster")
    if status != 200:
        status, body = http_get(MEMBERS[1]["rest"], "/cluster")
    return json.loads(body)["members"]


def sync_standby():
    return any(m.get("role") == "sync_standby" and m.get("state") in ("streaming", "running")
               for m in cluster_members())


def primary():
    for m in MEMBERS:
        try:
            if http_get(m["rest"], "/primary", timeout=1)[0] == 200:
                return m
        except OSError:
            pass
    return None


def psql(sql, database="postgres"):
    out = subprocess.run([f"{PG_BIN}/psql", "-h", "127.0.0.1", "-p", str(HAPROXY), "-U", "postgres",
                          "-d", database, "-AtX", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         capture_output=True, text=True, timeout=30,
                         env={**os.environ, "PGPASSWORD": "postgres", "PGCONNECT_TIMEOUT": "3"})
    if out.returncode != 0:
        raise OSError(out.stderr.strip())
    return out.stdout.strip()


# --- haicang nodes ------------------------------------------------------------

DB_URL = f"postgres://postgres:postgres@127.0.0.1:{HAPROXY}/haicang"
NODE_ENV = {
    **os.environ,
    "HAICANG_DATABASE_URL": DB_URL,
    # Every node seals app secrets under the same key.
    "HAICANG_SECRET_KEY": os.urandom(32).hex(),
    "HAICANG_WEBHOOK_ALLOW_NETWORK": "127.0.0.0/8",
    "HAICANG_WEBHOOK_FIRST_RETRY_MS": "500",
    "RUST_LOG": "warn",
}
NODES = {"A": free_port(), "B": free_port()}


def start_nodes():
    psql("CREATE DATABASE haicang")
    for name, port in NODES.items():
        spawn(f"node-{name}", [OPTS.binary, "serve", "--demo", "--listen", f"127.0.0.1:{port}",
                               "--data-dir", f"{ROOT}/node-{name}"], env=NODE_ENV)
        wait_for(f"node {name} ready", lambda: http_get(port, "/ready")[0] == 200, timeout=120)
    subprocess.run([OPTS.binary, "admin", "app", "policy", "--app-id", "demo-app", "--rate-limit", "1000000"],
                   env=NODE_ENV, check=True, capture_output=True)


def call(port, method, path, body=None, token=None, timeout=10.0):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        r = c.getresponse()
        return r.status, json.loads(r.read() or b"null")
    finally:
        c.close()


# --- the webhook receiver -------------------------------------------------------
# In a process of its own, so that the load's threads never slow its
# answers (a late answer is a timeout, and a timeout is sent again).

def receive(port_file, events_file):
    out = open(events_file, "a")
    lock = threading.Lock()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                out.write(json.loads(body)["id"] + "\n")
                out.flush()
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    # Two nodes send up to 32 deliveries each at once: a listen backlog of
    # socketserver's default 5 drops connections, and a SYN sent again
    # after 1, 3, 7 s turns into a timeout and a second delivery.
    ThreadingHTTPServer.request_queue_size = 256
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    with open(port_file, "w") as f:
        f.write(str(server.server_port))
    server.serve_forever()


def received():
    counts = {}
    try:
        with open(f"{ROOT}/received.txt") as f:
            for line in f:
                counts[line.strip()] = counts.get(line.strip(), 0) + 1
    except OSError:
        pass
    return counts


# --- the load ------------------------------------------------------------------------

class Load:
    def __init__(self, token, skus):
        self.token, self.skus = token, skus
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acked = {}        # reference -> order number
        self.cancelled = set()  # order numbers whose cancel was acknowledged
        self.refused = []      # (what, status, body): an answer that is no success
        self.failures = []     # monotonic times of attempts that met no database
        self.successes = []    # monotonic times of acknowledged writes
        self.resolved = 0      # cancels whose first commit a retry found done

    def order(self, reference, sku):
        return {"warehouseCode": "US-LA01", "shippingServiceCode": "USPS-GA", "customerReference": reference,
                "platform": "SHOPIFY", "platformOrderNo": f"#{reference}",
                "recipient": {"name": "Jane Doe", "phone": "+1 213 555 0100", "country": "US", "state": "CA",
                              "city": "Los Angeles", "addressLine1": "100 Main St", "postcode": "90012"},
                "items": [{"sku": sku, "quantity": 1}]}

    def until_answered(self, port, method, path, body):
        """Sends until the node answers something other than 'database
        unavailable' (the same request again: references make it safe)."""
        deadline = time.monotonic() + 120
        retried = False
        while time.monotonic() < deadline:
            try:
                status, answer = call(port, method, path, body, self.token)
            except (OSError, http.client.HTTPException, ValueError):
                status, answer = None, None
            if status is not None and status < 500:
                return status, answer, retried
            retried = True
            with self.lock:
                self.failures.append(time.monotonic())
            time.sleep(0.2)
        return None, None, retried

    def client(self, n):
        nodes = list(NODES.values())
        i = 0
        while not self.stop.is_set():
            i += 1
            reference = f"FO-{n}-{i}"
            make_on, cancel_on = nodes[i % 2], nodes[(i + 1) % 2]
            status, answer, _ = self.until_answered(make_on, "POST", "/api/v1/outbound-orders",
                                                    self.order(reference, self.skus[i % len(self.skus)]))
            if status != 200:
                self.refused.append(("create " + reference, status, answer))
                continue
            no = answer["data"]["orderNo"]
            with self.lock:
                self.acked[reference] = no
                self.successes.append(time.monotonic())
            if i % 3 == 0:
                status, answer, retried = self.until_answered(cancel_on, "POST",
                                                              f"/api/v1/outbound-orders/{no}/cancel", {})
                # Sent again after the database went away mid-request, the
                # cancel may have committed the first time: 50027 (already
                # cancelled) then acknowledges it.
                ambiguous = retried and status == 409 and answer.get("code") == 50027
                if ambiguous:
                    with self.lock:
                        self.resolved += 1
                if status == 200 or ambiguous:
                    with self.lock:
                        self.cancelled.add(no)
                        self.successes.append(time.monotonic())
                else:
                    self.refused.append(("cancel " + no, status, answer))


def ledger_violations():
    """The ledger's invariants, read on the database now primary."""
    checks = {
        "on hand is not the sum of the balances": """
            SELECT COUNT(*) FROM stock_summary s WHERE s.on_hand <> COALESCE((SELECT SUM(b.quantity) FROM stock_balance b
              WHERE b.product_id = s.product_id AND b.warehouse_id = s.warehouse_id AND b.condition = s.condition), 0)""",
        "reserved is not the sum of the pending reservations": """
            SELECT COUNT(*) FROM stock_summary s WHERE s.reserved <> COALESCE((SELECT SUM(r.quantity - r.posted)
              FROM reservation r WHERE r.product_id = s.product_id AND r.warehouse_id = s.warehouse_id
              AND r.condition = s.condition AND r.status = 'PENDING'), 0)""",
        "a negative or over-reserved summary": "SELECT COUNT(*) FROM stock_summary WHERE reserved < 0 OR on_hand < reserved",
        "a negative balance": "SELECT COUNT(*) FROM stock_balance WHERE quantity < 0",
        "a reference with two orders": """SELECT COUNT(*) FROM (SELECT customer_id, customer_reference FROM outbound_order
              GROUP BY customer_id, customer_reference HAVING COUNT(*) > 1) d""",
    }
    return {what: int(psql(sql, "haicang")) for what, sql in checks.items() if int(psql(sql, "haicang")) != 0}


def acceptance(token):
    """The issue's acceptance lines, on the cluster after its failover."""
    problems = []
    for name, port in NODES.items():
        status, body = http_get(port, "/ready")
        if status != 200:
            problems.append(f"node {name} /ready answered {status} {body!r}")
    subprocess.run([OPTS.binary, "admin", "app", "policy", "--app-id", "demo-app", "--rate-limit", "100"],
                   env=NODE_ENV, check=True, capture_output=True)
    limited = 0
    for n in range(140):
        port = NODES["A"] if n % 2 == 0 else NODES["B"]
        status, answer = call(port, "GET", "/api/v1/products", token=token)
        if status == 429 and answer["code"] == 10017:
            limited += 1
    log(f"rate limit 100/min, 70 requests to each node: {limited} of 140 answered 429 / 10017")
    if limited < 30:
        problems.append(f"only {limited} of 140 requests were limited: the limit is not shared")
    # The database stops: both members' Patroni and PostgreSQL.
    for m in MEMBERS:
        stop_member(m)
    for name, port in NODES.items():
        status, body = wait_for(f"node {name} not ready", lambda: (a := http_get(port, "/ready")) and a[0] == 503 and a,
                                timeout=30)
        code = json.loads(body)["code"]
        log(f"database stopped: node {name} /ready answers {status} / {code}")
        if code != 10081:
            problems.append(f"node {name} /ready without a database answered code {code}")
    return problems


def stop_member(m):
    try:
        os.killpg(PROCS[f"patroni-{m['name']}"].pid, signal.SIGKILL)
    except OSError:
        pass
    try:
        with open(f"{ROOT}/{m['name']}/data/postmaster.pid") as f:
            os.kill(int(f.readline()), signal.SIGKILL)
    except (OSError, ValueError):
        pass


def main():
    log(f"PostgreSQL from {PG_BIN}; working in {ROOT}")
    start_cluster()
    first = primary()
    log(f"cluster up: primary {first['name']}, synchronous standby streaming, HAProxy on {HAPROXY}")
    start_nodes()
    log(f"haicang nodes A :{NODES['A']} and B :{NODES['B']} ready on {DB_URL}")
    receiver = multiprocessing.Process(target=receive, args=(f"{ROOT}/receiver.port", f"{ROOT}/received.txt"),
                                       daemon=True)
    receiver.start()
    receiver_port = int(wait_for("the webhook receiver", lambda: open(f"{ROOT}/receiver.port").read()))
    status, answer = call(NODES["A"], "POST", "/api/v1/auth/token", {"appId": "demo-app", "appSecret": "demo-secret"})
    token = answer["data"]["accessToken"]
    status, answer = call(NODES["B"], "POST", "/api/v1/webhooks",
                          {"url": f"http://127.0.0.1:{receiver_port}/hook",
                           "events": ["order.created", "order.cancelled"]}, token)
    assert status == 200, answer
    # Stock enough for the whole load: 2,000 units of three products on
    # three shelves, by a supervisor's adjustment.
    status, answer = call(NODES["A"], "POST", "/api/v1/staff/login", {"username": "admin", "password": "admin"})
    staff = answer["data"]["accessToken"]
    status, answer = call(NODES["A"], "GET", "/api/v1/ops/locations?warehouseCode=US-LA01&type=STORAGE&pageSize=3",
                          token=staff)
    shelves = [row["code"] for row in answer["data"]["items"]]
    skus = ["DEMO-0001", "DEMO-0002", "DEMO-0003"]
    status, answer = call(NODES["B"], "POST", "/api/v1/ops/adjustments",
                          {"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "failover test stock",
                           "lines": [{"sku": sku, "locationCode": shelf, "quantity": 2000}
                                     for sku, shelf in zip(skus, shelves)]}, staff)
    assert status == 200, answer
    before = ledger_violations()
    assert not before, f"the ledger checks fail before the test: {before}"

    load = Load(token, skus)
    clients = [threading.Thread(target=load.client, args=(n,)) for n in range(OPTS.clients)]
    for c in clients:
        c.start()
    time.sleep(OPTS.seconds_before_kill)
    victim = primary()
    acked_before = len(load.acked)
    pid_file = f"{ROOT}/{victim['name']}/data/postmaster.pid"
    with open(pid_file) as f:
        postmaster = int(f.readline())
    killed_at = time.monotonic()
    # The machine dies: the whole process group (runuser, Patroni under
    # it, whatever PostgreSQL processes share the group), then the
    # postmaster itself.
    stop_member(victim)
    log(f"SIGKILL to {victim['name']}'s Patroni and PostgreSQL (postmaster {postmaster}) "
        f"after {acked_before} acknowledged orders")
    promoted = wait_for("the standby's promotion", lambda: (p := primary()) and p is not victim and p, timeout=90)
    promotion_s = time.monotonic() - killed_at
    log(f"Patroni promoted {promoted['name']} {promotion_s:.1f} s after the kill")
    wait_for("a write acknowledged after the promotion",
             lambda: any(t > killed_at for t in load.successes) and max(load.successes) > time.monotonic() - 1,
             timeout=90)
    time.sleep(OPTS.seconds_after_recovery)
    load.stop.set()
    for c in clients:
        c.join(timeout=150)
    # The unavailability window: the longest time around the kill in which
    # no client had a write acknowledged.
    around = sorted(t for t in load.successes if killed_at - 2 <= t)
    window = max(b - a for a, b in zip(around, around[1:]))
    failed_attempts = len([t for t in load.failures if t > killed_at])
    log(f"load stopped: {len(load.acked)} orders acknowledged ({len(load.acked) - acked_before} after the kill), "
        f"{len(load.cancelled)} cancels acknowledged ({load.resolved} found done by their retry), {failed_attempts} attempts answered 'unavailable' or unanswered "
        f"during the failover")

    problems = []
    for what, status, answer in load.refused:
        problems.append(f"{what}: answered {status} {answer}")
    # Every acknowledged order, read back through node B (now on the new
    # primary), and its reservation on the database.
    pending = dict(line.split("|") for line in psql(
        "SELECT document_no, SUM(quantity - posted) FROM reservation WHERE status = 'PENDING' "
        "GROUP BY document_no", "haicang").split())
    lost, wrong = [], []
    for reference, no in load.acked.items():
        status, answer = call(NODES["B"], "GET", f"/api/v1/outbound-orders/{no}", token=token)
        if status != 200:
            lost.append(no)
            continue
        held = int(pending.get(no, 0))
        if no in load.cancelled:
            if answer["data"]["status"] != "CANCELLED":
                wrong.append(f"{no} is {answer['data']['status']}, its cancel was acknowledged")
            if held != 0:
                wrong.append(f"{no} is cancelled but holds {held} reserved units")
        elif held != 1:
            wrong.append(f"{no} ({answer['data']['status']}) holds {held} reserved units, not 1")
    problems += [f"acknowledged order {no} is lost" for no in lost] + wrong
    violations = ledger_violations()
    problems += [f"ledger: {what} ({n} rows)" for what, n in violations.items()]
    # Every event of the load delivered, once.
    expected_events = set(psql("SELECT event_id FROM outbox_event WHERE event_type IN "
                               "('order.created', 'order.cancelled')", "haicang").split())
    wait_for("every event at the receiver", lambda: expected_events <= set(received()), timeout=120)
    time.sleep(2)
    got = received()
    duplicates = {e: n for e, n in got.items() if n > 1}
    missing = expected_events - set(got)
    problems += [f"event {e} delivered {n} times" for e, n in duplicates.items()]
    if duplicates:
        ids = ", ".join(f"'{e}'" for e in duplicates)
        print(psql("SELECT e.event_id, d.status, d.attempts, a.attempt, a.http_status, a.latency_ms, a.error, "
                   "d.claimed_by FROM webhook_delivery d JOIN outbox_event e ON e.outbox_event_id = d.outbox_event_id "
                   f"LEFT JOIN webhook_attempt a ON a.webhook_delivery_id = d.webhook_delivery_id WHERE e.event_id IN ({ids}) "
                   "ORDER BY 1, 4", "haicang"))
    problems += [f"event {e} never delivered" for e in missing]
    created = len([e for e in expected_events])
    log(f"{created} events (order.created + order.cancelled) in the outbox, {len(got)} received, "
        f"{len(duplicates)} twice")
    print(f"FIGURES: unavailability window {window:.1f} s (the longest time around the kill without an "
          f"acknowledged write); {promoted['name']} promoted {promotion_s:.1f} s after the kill; "
          f"{len(load.acked)} orders acknowledged, {len(lost)} lost; {len(load.cancelled)} cancels; "
          f"{len(expected_events)} events delivered, {len(duplicates)} duplicates", flush=True)
    problems += acceptance(token)
    if problems:
        for p in problems[:40]:
            print("PROBLEM:", p)
        raise SystemExit(f"FAILED: {len(problems)} problems (logs in {ROOT})")
    log("failover test passed")


def stop_all():
    for name, p in reversed(list(PROCS.items())):
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM if name.startswith(("node", "haproxy")) else signal.SIGKILL)
            except OSError:
                pass
    for p in PROCS.values():
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
    for m in MEMBERS:
        stop_member(m)


if __name__ == "__main__":
    try:
        main()
    except BaseException:
        for name in PROCS:
            print(f"--- {name} (last lines)\n{tail(name)}", file=sys.stderr)
        raise
    finally:
        stop_all()
        if not OPTS.keep:
            shutil.rmtree(ROOT, ignore_errors=True)
