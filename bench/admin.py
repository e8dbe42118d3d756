#!/usr/bin/env python3
"""Sends one command to sygen-webhookd's admin socket: admin.py SOCKET CMD.
Frames are a 4-byte big-endian length and a JSON object. Exit 0 when the answer is ok."""
import json, socket, struct, sys

def main():
    path, cmd = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    data = json.dumps({"cmd": cmd}).encode()
    s.sendall(struct.pack(">I", len(data)) + data)
    head = b""
    while len(head) < 4:
        chunk = s.recv(4 - len(head))
        if not chunk:
            sys.exit("connection closed")
        head += chunk
    (n,) = struct.unpack(">I", head)
    body = b""
    while len(body) < n:
        chunk = s.recv(n - len(body))
        if not chunk:
            sys.exit("connection closed")
        body += chunk
    answer = json.loads(body)
    sys.exit(0 if answer.get("ok") else "admin error: " + body.decode())

main()
