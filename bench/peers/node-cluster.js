'use strict';
// Node's built-in cluster module: a primary forking WORKERS workers of app.js (or $APP, e.g.
// app-tls.js) on PORT, with the platform's default scheduling (round-robin by the primary on
// Linux). Respawns a worker that dies.
const cluster = require('cluster');
const path = require('path');

const workers = Number(process.env.WORKERS || require('os').availableParallelism());
cluster.setupPrimary({ exec: path.join(__dirname, process.env.APP || 'app.js') });
const slots = new Map();
function fork(i) { slots.set(cluster.fork({ WORKER_ID: String(i) }), i); }
for (let i = 0; i < workers; i++) fork(i);
let stopping = false;
cluster.on('exit', (w) => { const i = slots.get(w); slots.delete(w); if (!stopping) fork(i); });
function stop() {
  stopping = true;
  for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM');
  setTimeout(() => process.exit(0), 5000).unref();
  cluster.on('exit', () => { if (Object.keys(cluster.workers).length === 0) process.exit(0); });
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
console.log(`node cluster primary ${process.pid}: ${workers} workers on port ${process.env.PORT || 5200}`);
