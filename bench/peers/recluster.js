'use strict';
// recluster (npm) as its README shows it: a master running WORKERS workers of app.js, reloading
// them all on SIGUSR2 (new workers first; an old one is told {cmd: 'disconnect'} once its
// replacement listens, and killed after `timeout` seconds if still there).
const recluster = require('recluster');
const path = require('path');

const cluster = recluster(path.join(__dirname, 'app.js'), {
  workers: Number(process.env.WORKERS || require('os').availableParallelism()),
  timeout: 10, // seconds an old worker may drain, as clusterflock's default --timeout
  readyWhen: 'listening',
});
cluster.run();
process.on('SIGUSR2', () => { console.log('recluster: got SIGUSR2, reloading'); cluster.reload(); });
function stop() { cluster.terminate(() => process.exit(0)); setTimeout(() => process.exit(0), 3000).unref(); }
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
console.log('recluster master', process.pid, 'kill -s SIGUSR2', process.pid, 'to reload');
