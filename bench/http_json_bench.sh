#!/usr/bin/env bash
# Small JSON GET throughput and p99 latency, measured with wrk on loopback: Canvass beside nginx
# serving a static file of the same size, in one run on the same machine. Rounds alternate
# (canvass, nginx, nginx, canvass, ...) and medians are reported, as the machine is shared.
#
# Usage: bench/http_json_bench.sh [BUILD_DIR] [SECONDS_PER_ROUND] [ROUNDS]
# Needs: wrk, nginx (scripts/setup.sh --bench), a release build.
set -euo pipefail
build=${1:-build/release}
secs=${2:-5}
rounds=${3:-3}
conns=${CONNS:-32}
threads=${WRK_THREADS:-2}
canvass="$build/canvass"
[ -x "$canvass" ] || { echo "no $canvass; run make build" >&2; exit 1; }
command -v wrk >/dev/null && command -v nginx >/dev/null || {
  echo "needs wrk and nginx: scripts/setup.sh --bench" >&2; exit 1; }

work=$(mktemp -d)
trap 'kill $cpid $npid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

# Canvass: the demo town, on an ephemeral port.
"$canvass" demo --data-dir "$work/demo" --listen 127.0.0.1:0 --log-level warn >"$work/demo.out" 2>&1 &
cpid=$!
for _ in $(seq 1 600); do grep -q 'running at' "$work/demo.out" 2>/dev/null && break; sleep 0.1; done
curl_url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/demo.out" | head -1)
token=$(python3 -c "import json;print([a['token'] for a in json.load(open('$work/demo/demo-accounts.json')) if a['username']=='resident.elm'][0])")

# nginx: the same bytes as our /api/v1/me answer, as a static file, two workers like our two threads.
mkdir -p "$work/www" "$work/nginx"
curl -sf -H "Authorization: Bearer $token" "$curl_url/api/v1/me" >"$work/www/me.json"
size=$(wc -c <"$work/www/me.json")
nport=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes $(nproc);
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  server { listen 127.0.0.1:$nport; root $work/www; }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
npid=$!
sleep 0.5

run() {  # prints "req_per_s p99_ms"
  local out
  out=$(wrk -t"$threads" -c"$conns" -d"${secs}s" --latency "$@" 2>&1)
  local rps p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}')
  echo "$rps $p99"
}

declare -a c_rps c_p99 n_rps n_p99 h_rps h_p99
for r in $(seq 1 "$rounds"); do
  if (( r % 2 )); then order="canvass nginx"; else order="nginx canvass"; fi
  for who in $order; do
    if [ "$who" = canvass ]; then
      read -r a b < <(run -H "Authorization: Bearer $token" "$curl_url/api/v1/me")
      c_rps+=("$a"); c_p99+=("$b")
      read -r a b < <(run "$curl_url/api/v1/health")
      h_rps+=("$a"); h_p99+=("$b")
    else
      read -r a b < <(run "http://127.0.0.1:$nport/me.json")
      n_rps+=("$a"); n_p99+=("$b")
    fi
  done
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
cr=$(median "${c_rps[@]}"); cp=$(median "${c_p99[@]}")
hr=$(median "${h_rps[@]}"); hp=$(median "${h_p99[@]}")
nr=$(median "${n_rps[@]}"); np=$(median "${n_p99[@]}")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "wrk -t$threads -c$conns -d${secs}s, $rounds rounds each, medians; response $size bytes"
printf '%-44s %12s %10s\n' "endpoint" "req/s" "p99 ms"
printf '%-44s %12.0f %10.2f\n' "canvass GET /api/v1/me (bearer, SQLite)" "$cr" "$cp"
printf '%-44s %12.0f %10.2f\n' "canvass GET /api/v1/health (SQLite)" "$hr" "$hp"
printf '%-44s %12.0f %10.2f\n' "nginx static file, same bytes" "$nr" "$np"
awk -v a="$cr" -v b="$nr" 'BEGIN {printf "ratio canvass/nginx throughput (me): %.3f\n", a/b}'
