"""A fixture worker that takes its listening socket the systemd way: LISTEN_FDS, fd 3.

It exits with code 3 unless LISTEN_FDS is "1" and LISTEN_PID is its own pid (what
sd_listen_fds checks), then answers every GET with "python worker <id> pid <pid>".
"""
import http.server
import os
import socket
import sys

if os.environ.get("LISTEN_FDS") != "1" or os.environ.get("LISTEN_PID") != str(os.getpid()):
    print("python worker: LISTEN_FDS=%r LISTEN_PID=%r, own pid %d"
          % (os.environ.get("LISTEN_FDS"), os.environ.get("LISTEN_PID"), os.getpid()), file=sys.stderr)
    sys.exit(3)

WORKER_ID = os.environ.get("CLUSTERFLOCK_WORKER_ID")
listening = socket.socket(fileno=3)
listening.setblocking(True)


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("python worker %s pid %d" % (WORKER_ID, os.getpid())).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


server = http.server.HTTPServer(("", 0), Hello, bind_and_activate=False)
server.socket.close()
server.socket = listening
print("python worker %s pid %d accepting" % (WORKER_ID, os.getpid()), file=sys.stderr, flush=True)
server.serve_forever()
