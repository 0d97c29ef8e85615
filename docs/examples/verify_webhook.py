import hashlib, hmac, sys, time

def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """True when X-Haicang-Signature `header` signs the raw `body` with `secret`."""
    parts = [p.strip().split("=", 1) for p in header.split(",") if "=" in p]
    t = next((int(v) for k, v in parts if k == "t"), None)
    if t is None or abs(time.time() - t) > tolerance:
        return False  # missing or stale timestamp: a replay
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, v) for k, v in parts if k == "v1")

if __name__ == "__main__":  # verify_webhook.py SECRET HEADER BODY_FILE
    print("valid" if verify(sys.argv[1], sys.argv[2], open(sys.argv[3], "rb").read()) else "invalid")
