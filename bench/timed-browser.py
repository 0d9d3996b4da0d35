#!/usr/bin/env python3
"""A timed "browser" for the one-click login benchmark (`make bench`), the same for Rust, Python and Node.

Usage (as a BROWSER command): timed-browser.py <auth-url>. It GETs the authorization URL without following
redirects (the emulator auto-approves and answers 302 to the loopback callback), reads Location, writes the
wall clock `time.time_ns()` to the file named by $BENCH_CALLBACK_TIME_FILE, then GETs the callback. The
login under test returns the key; latency = its return time (same wall clock) - the time written here.
"""

import http.client
import os
import sys
import time
import urllib.parse


def get(url: str) -> http.client.HTTPResponse:
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
    path = u.path + ("?" + u.query if u.query else "")
    conn.request("GET", path or "/", headers={"Connection": "close"})
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp


def main() -> int:
    auth = get(sys.argv[-1])
    location = auth.getheader("Location")
    if not location:
        print(f"timed-browser: no redirect from the auth URL (status {auth.status})", file=sys.stderr)
        return 1
    location = urllib.parse.urljoin(sys.argv[-1], location)
    out = os.environ.get("BENCH_CALLBACK_TIME_FILE")
    if out:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, str(time.time_ns()).encode())  # the clock is read last: a few µs of write follow it
        os.close(fd)
    get(location)
    return 0


if __name__ == "__main__":
    sys.exit(main())
