#!/usr/bin/env bash
# Kill -9 the server again and again while it appends audit events; after every restart the
# log verifies and is consistent with every checkpoint seen before (a witness's state), and
# every write the server acknowledged is still there.
set -euo pipefail
canvass="$1"
rounds=${ROUNDS:-5}
dir=$(mktemp -d)
pid=""; wpid=""
trap 'kill -9 $pid $wpid 2>/dev/null || true; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cat >"$dir/canvass.toml" <<TOML
[server]
data_dir = "$dir/data"
listen = "127.0.0.1:0"
[deployment]
name = "crash.canvass.test"
[auth]
password_cost = "minimum"
allow_weak_passwords = true
[audit]
checkpoint_interval_ms = 20
[log]
level = "info"
TOML
echo "admin-password-123" | "$canvass" user create --config "$dir/canvass.toml" --username admin --role admin >/dev/null
admin=$("$canvass" token create --config "$dir/canvass.toml" --username admin | python3 -c "import json,sys;print(json.load(sys.stdin)['token'])")

start() {
  "$canvass" serve --config "$dir/canvass.toml" >"$dir/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 200); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/serve.log" 2>/dev/null | head -1 || true)
    [ -n "$url" ] && return 0
    kill -0 $pid 2>/dev/null || { cat "$dir/serve.log"; fail "server did not start"; }
    sleep 0.05
  done
  fail "server did not print its URL"
}

writer() {  # signs up residents as fast as it can; logs the ones acknowledged
  local i=0
  while true; do
    i=$((i + 1))
    local u="r$1x$i"
    code=$(curl -s -o /dev/null -w '%{http_code}' -d "{\"username\":\"$u\",\"password\":\"password-123\"}" "$url/api/v1/accounts" || true)
    [ "$code" = 201 ] && echo "$u" >>"$dir/acked"
  done
}

touch "$dir/acked"
for round in $(seq 1 "$rounds"); do
  start
  [ -f "$dir/log.key" ] || curl -sf "$url/audit/key" >"$dir/log.key"
  "$canvass" audit verify --url "$url/audit" --key "$dir/log.key" --state "$dir/witness" >"$dir/verify.out" 2>&1 \
    || { cat "$dir/verify.out"; fail "round $round: verify after restart"; }
  writer "$round" &
  wpid=$!
  sleep "0.$((RANDOM % 7 + 3))"
  kill -9 $pid
  kill $wpid 2>/dev/null || true
  wait $pid $wpid 2>/dev/null || true
done
start
"$canvass" audit verify --url "$url/audit" --key "$dir/log.key" --state "$dir/witness" >"$dir/verify.out" 2>&1 \
  || { cat "$dir/verify.out"; fail "final verify"; }
grep -q 'consistent with the checkpoint' "$dir/verify.out" || { cat "$dir/verify.out"; fail "no witness check"; }
acked=$(wc -l <"$dir/acked")
[ "$acked" -gt 0 ] || fail "no write was acknowledged; the test proves nothing"
curl -sf -H "Authorization: Bearer $admin" "$url/api/v1/accounts" >"$dir/accounts.json"
python3 - "$dir/acked" "$dir/accounts.json" <<'PY' || fail "an acknowledged write was lost"
import json, sys
acked = set(open(sys.argv[1]).read().split())
have = {a["username"] for a in json.load(open(sys.argv[2]))["accounts"]}
missing = acked - have
assert not missing, sorted(missing)[:10]
PY
kill -TERM $pid; wait $pid || fail "server exit after SIGTERM"
"$canvass" check --config "$dir/canvass.toml" >"$dir/check.out" || { cat "$dir/check.out"; fail "check after crashes"; }
echo "$rounds kill -9 rounds, $acked acknowledged writes kept, log consistent throughout"
echo "1 passed, 0 failed"
