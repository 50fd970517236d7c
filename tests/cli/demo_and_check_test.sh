#!/usr/bin/env bash
# The binary end to end: `canvass demo` seeds a town, serves it and writes demo-accounts.json;
# the tokens work; SIGTERM stops it cleanly; `canvass check` then finds everything in order,
# and finds a corrupted clip after we damage one.
set -euo pipefail
canvass="$1"
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$canvass" demo --data-dir "$dir/demo" --listen 127.0.0.1:0 >"$dir/out" 2>"$dir/err" &
pid=$!
for _ in $(seq 1 600); do
  grep -q 'Canvass demo is running at' "$dir/out" 2>/dev/null && break
  kill -0 $pid 2>/dev/null || { cat "$dir/err"; fail "demo exited early"; }
  sleep 0.1
done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/out" | head -1)
[ -n "$url" ] || fail "no URL printed"
grep -q 'resident.elm' "$dir/out" || fail "demo logins not printed"

accounts="$dir/demo/demo-accounts.json"
[ -f "$accounts" ] || fail "no demo-accounts.json"
python3 - "$accounts" <<'PY' || fail "demo-accounts.json has the wrong shape"
import json, sys
a = json.load(open(sys.argv[1]))
roles = {x["role"] for x in a}
assert {"admin", "officer", "supervisor", "legal", "resident"} <= roles, roles
assert sum(1 for x in a if x["role"] == "resident") == 12
assert all(set(x) == {"role", "username", "password", "token"} for x in a)
PY
token=$(python3 -c "import json,sys;print([x['token'] for x in json.load(open(sys.argv[1])) if x['username']=='resident.elm'][0])" "$accounts")
curl -sf "$url/api/v1/health" | grep -q '"status":"ok"' || fail "health"
n=$(curl -sf -H "Authorization: Bearer $token" "$url/api/v1/clips" | python3 -c "import json,sys;print(len(json.load(sys.stdin)['clips']))")
[ "$n" = 2 ] || fail "resident.elm should have 2 clips, has $n"
password=$(python3 -c "import json,sys;print([x['password'] for x in json.load(open(sys.argv[1])) if x['username']=='ofc.chen'][0])" "$accounts")
curl -sf -d "{\"username\":\"ofc.chen\",\"password\":\"$password\"}" "$url/api/v1/sessions" | grep -q csrf_token || fail "officer login"

kill -TERM $pid
for _ in $(seq 1 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && fail "demo did not stop on SIGTERM"
wait $pid || fail "demo exited non-zero after SIGTERM"

"$canvass" check --data-dir "$dir/demo" >"$dir/check" || { cat "$dir/check"; fail "check on a fresh demo"; }
grep -q '24 clips' "$dir/check" || { cat "$dir/check"; fail "check did not see 24 clips"; }

# Damage one blob: check must name it and exit non-zero.
blob=$(find "$dir/demo/blobs" -type f | head -1)
printf 'X' | dd of="$blob" bs=1 seek=100 conv=notrunc status=none
if "$canvass" check --data-dir "$dir/demo" >"$dir/check2"; then fail "check missed a corrupt clip"; fi
grep -q 'problem: clip clp_' "$dir/check2" || { cat "$dir/check2"; fail "check did not name the clip"; }

# Bad flags and config get clear errors.
if "$canvass" serve --data-dir "$dir/x" --listen nonsense 2>"$dir/e3"; then fail "bad --listen accepted"; fi
grep -q 'HOST:PORT' "$dir/e3" || fail "bad --listen message: $(cat "$dir/e3")"
printf '[server]\nthreads = "many"\n' >"$dir/bad.toml"
if "$canvass" serve --config "$dir/bad.toml" 2>"$dir/e4"; then fail "bad config accepted"; fi
grep -q 'server.threads' "$dir/e4" || fail "bad config message: $(cat "$dir/e4")"
echo "1 passed, 0 failed"
