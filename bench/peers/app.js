'use strict';
// The Node peer's worker: the same response as the Java hello example ("hello from worker <id>\n",
// text/plain), and GET /sleep?ms=N answers after N ms (at most a minute), for reloads with slow
// requests in flight. Run by node-cluster.js, recluster.js and PM2 (ecosystem.config.js).
//
// It drains the way a careful Node worker would, so that the reload comparison is fair to the
// peers: on SIGINT/SIGTERM (PM2's stop and reload), or recluster's {cmd: 'disconnect'} message, it
// stops accepting, answers every further request with "Connection: close" (so that a keep-alive
// client reconnects, to another worker, without a failed request), closes connections that have been
// idle for a second, and exits once the last connection is gone. Node's own server.close() is not
// enough: since Node 19 it also closes every connection that has no request in progress at that
// instant, which races with the client's next request on it (a failed request), as closing
// "idle" connections at once always does.
const http = require('http');

const id = process.env.WORKER_ID ?? process.env.NODE_APP_INSTANCE ?? '0';
const port = Number(process.env.PORT || 5200);
const body = Buffer.from(`hello from worker ${id}\n`);
let draining = false;

function answer(res) {
  res.writeHead(200, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': body.length,
    ...(draining ? { Connection: 'close' } : {}),
  });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const socket = req.socket;
  socket.busy = (socket.busy || 0) + 1;
  res.on('close', () => { socket.busy--; socket.lastActive = Date.now(); });
  if (req.url.startsWith('/sleep')) {
    const ms = Math.min(Math.max(Number(new URL(req.url, 'http://x').searchParams.get('ms')) || 0, 0), 60000);
    setTimeout(() => answer(res), ms);
  } else {
    answer(res);
  }
});
server.keepAliveTimeout = 5000;

const sockets = new Set();
server.on('connection', (socket) => {
  socket.lastActive = Date.now();
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});

function drain() {
  if (draining) return;
  draining = true;
  server.closeIdleConnections = () => {}; // see above: stop accepting only
  server.close();
  setInterval(() => {
    for (const socket of sockets) {
      if (!socket.busy && Date.now() - socket.lastActive >= 1000) socket.destroy();
    }
    if (sockets.size === 0) process.exit(0);
  }, 50);
}

process.on('SIGINT', drain);
process.on('SIGTERM', drain);
process.on('message', (m) => { if (m === 'shutdown' || (m && m.cmd === 'disconnect')) drain(); });

server.listen(port);
