'use strict';
// The Node peer's worker over TLS or HTTP/2 (bench/tls.sh, run by node-cluster.js with
// APP=app-tls.js): the same answer as app.js ("hello from worker <id>\n", text/plain) for GET /.
//   PROTOCOL=https  https.createServer (HTTP/1.1 over TLS)
//   PROTOCOL=h2     http2.createSecureServer: h2 by ALPN, HTTP/1.1 for a client that offers no h2
//   PROTOCOL=h2c    http2.createServer: HTTP/2 in clear text (prior knowledge)
// TLS_CERT and TLS_KEY name the PEM files. On SIGTERM or SIGINT it stops accepting and exits
// once its connections are gone (at most 2 s later): no reloads are measured against it.
const fs = require('fs');

const id = process.env.WORKER_ID ?? '0';
const port = Number(process.env.PORT || 5400);
const protocol = process.env.PROTOCOL || 'https';
const body = Buffer.from(`hello from worker ${id}\n`);
const headers = { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length };
const tls = () => ({ cert: fs.readFileSync(process.env.TLS_CERT), key: fs.readFileSync(process.env.TLS_KEY) });

function answer(req, res) {
  res.writeHead(200, headers);
  res.end(body);
}

let server;
switch (protocol) {
  case 'https':
    server = require('https').createServer(tls(), answer);
    server.keepAliveTimeout = 5000;
    break;
  case 'h2':
    server = require('http2').createSecureServer({ ...tls(), allowHTTP1: true }, answer);
    break;
  case 'h2c':
    server = require('http2').createServer(answer);
    break;
  default:
    throw new Error(`PROTOCOL ${protocol}: https, h2 or h2c`);
}

function stop() {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

server.listen(port);
