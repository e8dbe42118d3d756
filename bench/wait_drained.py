#!/usr/bin/env python3
"""Waits until the nodes have finished a number of jobs; prints how many they finished.

    wait_drained.py TARGET TIMEOUT_S URL [URL...]

Sums sygen_webhook_jobs_total (every status) over each URL's /metrics page every 100 ms
and stops once the sum reaches TARGET or TIMEOUT_S has passed. One process with plain
HTTP requests: the shell loop it replaces started curl, awk and sleep (or psql and a
PostgreSQL backend) twenty times a second, which on a 2-core machine took CPU from the
very drain it was timing.
"""
import sys
import time
import urllib.request


def finished(url):
    total = 0.0
    with urllib.request.urlopen(url, timeout=2) as answer:
        for line in answer.read().decode().splitlines():
            if line.startswith("sygen_webhook_jobs_total"):
                total += float(line.rsplit(" ", 1)[1])
    return int(total)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__.strip())
    target, timeout, urls = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
    deadline = time.monotonic() + timeout
    done = 0
    while True:
        try:
            done = sum(finished(url) for url in urls)
        except OSError:
            pass  # a node busy or restarting: ask again
        if done >= target or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    print(done)


if __name__ == "__main__":
    main()
