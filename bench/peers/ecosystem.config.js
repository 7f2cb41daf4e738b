// PM2 in cluster mode, the same app as node-cluster.js and recluster.js.
// WORKERS and PORT are read when `pm2 start` evaluates this file.
module.exports = {
  apps: [{
    name: 'bench',
    script: __dirname + '/app.js',
    exec_mode: 'cluster',
    instances: Number(process.env.WORKERS || require('os').availableParallelism()),
    env: { PORT: process.env.PORT || '5200', NODE_ENV: 'production' },
    wait_ready: false,      // ready when listening (PM2's default), as the other contenders
    listen_timeout: 8000,   // ms to wait for a new worker to listen during a reload
    kill_timeout: 10000,    // ms an old worker may drain after SIGINT, as clusterflock's default --timeout
    autorestart: true,
    max_restarts: 1000,
    merge_logs: true,
  }],
};
