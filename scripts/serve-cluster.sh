#!/usr/bin/env bash
# Two app processes behind nginx on this machine, sharing a throwaway PostgreSQL (sessions, audit) and a Chroma server
# (the clause index): a demo of "Serving many owners" (README), and what tests/test_cluster.py starts.
#
#   scripts/serve-cluster.sh [PORT]       # nginx on 127.0.0.1:PORT (default 8080); Ctrl-C stops everything
#
# Needs nginx (apt-get install nginx-light), PostgreSQL's initdb/pg_ctl and the project's .venv (chroma). Everything
# lives in a temporary folder that is removed at exit. The app processes get the caller's ADVISOR_* settings (e.g.
# ADVISOR_LLM=none for deterministic mode); each has its own data folder (report files, Gradio cache).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
PORT="${1:-8080}"
PATH="$PATH:/usr/sbin"  # nginx, for a user whose PATH lacks it
for tool in nginx "$ROOT/.venv/bin/chroma"; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done
WORK="$(mktemp -d /tmp/advisor-cluster-XXXXXX)"
PIDS=()

stop_all() {
  trap - EXIT INT TERM
  echo "stopping the cluster…" >&2
  [ -f "$WORK/nginx/nginx.pid" ] && nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -s stop 2>/dev/null || true
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[i]}" 2>/dev/null || true; done  # apps, chroma, postgres
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap stop_all EXIT
trap 'exit 130' INT TERM  # through the EXIT trap

free_port() { "$PY" -c 'from benchmarks.common import free_port; print(free_port())'; }

wait_for() {  # URL SECONDS PID: until URL answers 2xx, or fail when PID ended or the time is up
  local deadline=$((SECONDS + $2))
  until curl -fs -o /dev/null "$1"; do
    kill -0 "$3" 2>/dev/null || { echo "process $3 ended before $1 answered (logs: $WORK)" >&2; return 1; }
    [ "$SECONDS" -lt "$deadline" ] || { echo "$1 did not answer within $2 s (logs: $WORK)" >&2; return 1; }
    sleep 0.5
  done
}

cd "$ROOT"

# 1. PostgreSQL: tests/postgres_server.py's throwaway server (initdb + pg_ctl; as the postgres user when root)
PYTHONPATH="$ROOT" "$PY" tests/postgres_server.py advisor >"$WORK/postgres.url" 2>"$WORK/postgres.log" &
PIDS+=($!)
until [ -s "$WORK/postgres.url" ]; do
  kill -0 "${PIDS[0]}" 2>/dev/null || { cat "$WORK/postgres.log" >&2; exit 1; }
  sleep 0.3
done
export ADVISOR_DATABASE_URL="$(cat "$WORK/postgres.url")"

# 2. Chroma in server mode
CHROMA_PORT="$(free_port)"
"$ROOT/.venv/bin/chroma" run --path "$WORK/chroma" --host 127.0.0.1 --port "$CHROMA_PORT" >"$WORK/chroma.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$CHROMA_PORT/api/v2/heartbeat" 60 "${PIDS[-1]}"
export ADVISOR_STORE="http://127.0.0.1:$CHROMA_PORT"

# 3. Two app processes, one after the other: the first builds the clause index in Chroma, the second finds it fresh.
# Uploaded documents in one folder for both (README: a document is changed with one process running)
export ADVISOR_USER_DOCS_DIR="$WORK/user_docs"
APP_PORTS=()
for name in a b; do
  port="$(free_port)"
  mkdir -p "$WORK/$name"
  ADVISOR_DATA_DIR="$WORK/$name/data" GRADIO_TEMP_DIR="$WORK/$name/data/gradio-cache" \
    "$PY" app.py --port "$port" >"$WORK/$name/app.log" 2>&1 &
  PIDS+=($!)
  wait_for "http://127.0.0.1:$port/" 600 "${PIDS[-1]}"
  APP_PORTS+=("$port")
  echo "app $name: http://127.0.0.1:$port/ (pid ${PIDS[-1]})"
done

# 4. nginx in front. One browser must keep to one process: Gradio's page sends an event (POST …/queue/join) and reads
# its result from a stream (GET …/queue/data), and an upload or a report file lives in one process's data folder. So a
# browser is routed by a cookie nginx gives it with the page; a client that never loads the page (the benchmark's
# simulated pages, gradio_client) by Gradio's session hash (in the query, or in the join's JSON body). A process that
# refuses or times out is skipped (owners go on on the other: their sessions are in PostgreSQL).
mkdir -p "$WORK/nginx/logs"
cat >"$WORK/nginx/nginx.conf" <<EOF
daemon on;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
worker_processes 1;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  client_max_body_size 25m;
  client_body_buffer_size 1m;  # a join's body stays in memory, where the route below reads it

  map \$request_body \$hash_in_body { "~\"session_hash\": *\"(?<h>[^\"]+)\"" \$h; default ""; }
  map "\$cookie_advisor_route|\$arg_session_hash|\$hash_in_body" \$route {
    "~^(?<r>[^|]+)\|" \$r;     # a browser: its cookie
    "~^\|(?<r>[^|]+)\|" \$r;   # no cookie: the session hash in the query (…/queue/data)
    "~^\|\|(?<r>.+)\$" \$r;     # or in the body (…/queue/join)
    default \$request_id;      # the page itself, which sets the cookie to this
  }
  map \$cookie_advisor_route \$route_cookie { "" "advisor_route=\$request_id; Path=/; HttpOnly; SameSite=Strict"; default ""; }
  map \$http_upgrade \$connection_upgrade { default upgrade; "" ""; }

  upstream advisor {
    hash \$route consistent;
    server 127.0.0.1:${APP_PORTS[0]} max_fails=1 fail_timeout=30s;
    server 127.0.0.1:${APP_PORTS[1]} max_fails=1 fail_timeout=30s;
    # no keepalive: a join sent on a kept connection to a process just killed is a POST nginx may not send again
    # (502); on a fresh connection the refusal comes before anything is sent, and the owner goes on on the other
  }
  server {
    listen 127.0.0.1:$PORT;
    proxy_http_version 1.1;
    proxy_set_header Host \$http_host;  # with its port: the app's guard compares it with Origin
    proxy_set_header Upgrade \$http_upgrade;
    proxy_set_header Connection \$connection_upgrade;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto \$scheme;
    proxy_buffering off;  # Gradio's event streams as they are written
    proxy_cache off;
    proxy_read_timeout 600s;  # a report or a long answer may take a while
    proxy_send_timeout 600s;
    proxy_connect_timeout 2s;
    proxy_next_upstream error timeout;
    proxy_next_upstream_tries 2;
    location = / {
      proxy_pass http://advisor;
      add_header Set-Cookie \$route_cookie;
      add_header X-Advisor-Upstream \$upstream_addr always;
    }
    location / {
      proxy_pass http://advisor;
      add_header X-Advisor-Upstream \$upstream_addr always;  # which app answered (the test reads it)
    }
  }
}
EOF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
echo "数转顾问 cluster ready: http://127.0.0.1:$PORT/ (two apps, PostgreSQL $ADVISOR_DATABASE_URL, Chroma $ADVISOR_STORE; Ctrl-C stops)"
wait  # until Ctrl-C or SIGTERM (an app that ends meanwhile, killed in a test, leaves the others serving)
