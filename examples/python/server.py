#!/usr/bin/env python3
"""A clusterflock worker that is not Java: the standard library only.

    clusterflock run --workers 2 --ready-when ready -- python3 examples/python/server.py

- takes the listening socket from fd 3 (systemd's LISTEN_FDS convention), and checks that
  LISTEN_PID is its own pid, as sd_listen_fds(3) does;
- warms up before it takes a client: it answers its own requests in-process, over a socketpair
  instead of a connection (as library mode does through Jetty's LocalConnector), so the code
  behind them has run before the first client arrives; the operator's --warmup requests
  (CLUSTERFLOCK_WARMUP) are sent the same way;
- says READY=1 (and a STATUS=) over NOTIFY_SOCKET once it is warm, for --ready-when ready;
- on SIGTERM drains: accepts no more connections, answers every further request with
  "Connection: close", lets in-flight requests finish, and exits 0.

GET /sleep?ms=500 answers after half a second; anything else answers at once.
"""
import os
import select
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, unquote_plus, urlparse

WORKER = os.environ.get("WORKER_ID", "?")
draining = threading.Event()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    timeout = 2  # an idle keep-alive connection is closed after 2 s
    wbufsize = -1  # headers and body leave in one write: no Nagle stall between them
    disable_nagle_algorithm = True

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/sleep":
            time.sleep(int(parse_qs(url.query).get("ms", ["100"])[0]) / 1000)
        body = f"python worker {WORKER} pid {os.getpid()}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if draining.is_set():
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def listening_socket():
    if os.environ.get("LISTEN_FDS") != "1" or os.environ.get("LISTEN_PID") != str(os.getpid()):
        sys.exit("server.py: no socket passed at fd 3 (LISTEN_FDS/LISTEN_PID): run it under clusterflock")
    return socket.socket(fileno=3)  # stays blocking: O_NONBLOCK would be shared by every worker


def notify(message):
    path = os.environ.get("NOTIFY_SOCKET")
    if path:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            s.sendto(message.encode(), path)


def warmups():
    """The operator's --warmup requests, from CLUSTERFLOCK_WARMUP: one a line, fields URL-encoded and
    tab-separated: method, path, count, duration in ms (0: send it count times), body, then header
    names and values. Without any: GET / 200 times."""
    found = []
    for line in os.environ.get("CLUSTERFLOCK_WARMUP", "").splitlines():
        f = [unquote_plus(field) for field in line.split("\t")]
        headers = dict(zip(f[5::2], f[6::2]))
        found.append((f[0], f[1], int(f[2]), int(f[3]) / 1000, f[4].encode(), headers))
    return found or [("GET", "/", 200, 0, b"", {})]


class WarmUpHandler(Handler):
    disable_nagle_algorithm = False  # a socketpair is no TCP connection


def warm_up():
    """Answers each warm-up request in-process: one end of a socketpair is the client."""
    for method, path, count, seconds, body, headers in warmups():
        head = f"{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {len(body)}\r\n"
        head += "" if "Host" in headers else "Host: warm-up\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        request = head.encode() + b"\r\n" + body
        deadline = time.monotonic() + seconds
        sent = 0
        while (sent < count) if seconds == 0 else (time.monotonic() < deadline):
            sent += 1
            client, server = socket.socketpair()
            with client, server:
                client.sendall(request)
                WarmUpHandler(server, ("warm-up", 0), None)
                client.recv(65536)


def serve(conn, addr, connections):
    try:
        Handler(conn, addr, None)
    except (OSError, ValueError):
        pass
    finally:
        conn.close()
        connections.discard(threading.current_thread())


def main():
    listener = listening_socket()
    connections = set()

    signal.signal(signal.SIGTERM, lambda signum, frame: draining.set())
    warm_up()  # before READY=1: the master sends no client here, and the old worker serves, until then
    notify(f"STATUS=serving as worker {WORKER}\nREADY=1")
    # Wait for a connection with a timeout, so that a drain is noticed; never interrupt accept()
    # itself: a connection it has taken would be lost. When another worker wins the race for a
    # connection, accept() waits for the next one, which this worker then serves (with
    # "Connection: close" if it is draining): nothing is dropped either way.
    while not draining.is_set():
        if listener in select.select([listener], [], [], 0.5)[0]:
            conn, addr = listener.accept()
            thread = threading.Thread(target=serve, args=(conn, addr, connections))
            connections.add(thread)
            thread.start()
    listener.close()  # this worker's copy only: the others keep accepting
    for thread in list(connections):
        thread.join()
    sys.exit(0)


if __name__ == "__main__":
    main()
