# shellcheck shell=bash
# Sourced by the client benchmarks (compare.sh, c10k.sh, access_log.sh): the target they share.
#   start_nginx DIR PORT CPU [LISTEN_EXTRA] [SERVER_EXTRA]
# Debian's nginx, one worker pinned to CPU, as many connections as the open-files limit allows,
# no access log, unlimited keep-alive, `200 "hello from nginx\n"` on every path. LISTEN_EXTRA
# goes on the listen line (`http2`, `ssl; ssl_certificate ...`), SERVER_EXTRA in the server
# block. Writes DIR/nginx.conf and DIR/nginx.pid (stop it with: kill "$(cat DIR/nginx.pid)");
# returns once the pid file exists.
start_nginx() {
  local dir=$1 port=$2 cpu=$3 listen_extra=${4:-} server_extra=${5:-}
  local nofile
  nofile=$(ulimit -n)
  cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
worker_rlimit_nofile $nofile;
pid $dir/nginx.pid;
error_log $dir/error.log crit;
events { worker_connections $nofile; }
http {
  access_log off;
  keepalive_requests 1000000000;
  server {
    listen 127.0.0.1:$port backlog=65535 reuseport $listen_extra;
    $server_extra
    location / { return 200 "hello from nginx\n"; }
  }
}
CONF
  taskset -c "$cpu" nginx -c "$dir/nginx.conf" -p "$dir" 2>/dev/null
  for _ in $(seq 50); do [[ -s $dir/nginx.pid ]] && break; sleep 0.1; done
}
