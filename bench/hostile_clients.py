#!/usr/bin/env python3
"""/health latency while hostile clients wait: hostile_clients.py HOST:PORT IDLE SLOW SECONDS [BODIES].
Opens IDLE connections that send nothing, SLOW connections that send a request line
and then one byte per probe (slowloris), and BODIES connections (default 0) that send a
complete POST head announcing Content-Length: 200000 and then nothing (slow bodies),
then probes GET /health (new connection each, Connection: close) every 200 ms for
SECONDS and prints ok/failed and latency in ms; with BODIES, the target is a max under
100 ms. Loopback only; raise the open files limit (ulimit -n) above IDLE + SLOW first.
Use a read timeout (webhooks.read_timeout_seconds) longer than SECONDS."""
import resource, socket, statistics, sys, time

def main():
    host, port = sys.argv[1].rsplit(":", 1)
    idle_count, slow_count, seconds = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    idle = [socket.create_connection((host, int(port))) for _ in range(idle_count)]
    body_count = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    bodies = []
    for _ in range(body_count):
        s = socket.create_connection((host, int(port)))
        s.sendall(b"POST /hooks/x HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 200000\r\n\r\n")
        bodies.append(s)
    slow = []
    for _ in range(slow_count):
        s = socket.create_connection((host, int(port)))
        s.sendall(b"GET /health HTTP/1.1\r\n")
        slow.append(s)
    latencies, failed = [], 0
    end = time.time() + seconds
    while time.time() < end:
        for s in slow:
            try:
                s.sendall(b"X")
            except OSError:
                pass
        start = time.time()
        try:
            s = socket.create_connection((host, int(port)), timeout=10)
            s.settimeout(10)
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            ok = s.recv(1000).startswith(b"HTTP/1.1 200")
            s.close()
        except OSError:
            ok = False
        if ok:
            latencies.append((time.time() - start) * 1000)
        else:
            failed += 1
        time.sleep(0.2)
    latencies.sort()
    if not latencies:
        print("idle=%d slow=%d bodies=%d: 0 ok, %d failed" % (idle_count, slow_count, body_count, failed))
        return
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    print("idle=%d slow=%d bodies=%d: %d ok, %d failed; median %.2f ms, p95 %.2f ms, max %.2f ms"
          % (idle_count, slow_count, body_count, len(latencies), failed, statistics.median(latencies), p95, latencies[-1]))
    del idle, bodies

if __name__ == "__main__":
    main()
