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

# Community requests: the public feed, and a case exported by the officer and verified by a court
# with Canvass and with standard tools alone.
curl -sf "$url/api/v1/public/requests" | python3 -c "
import json, sys
r = json.load(sys.stdin)['requests']
assert sorted(x['incident_type'] for x in r) == ['burglary', 'vehicle_theft'], r
assert all('case_number' not in x for x in r), r
" || fail "public request feed"
officer=$(python3 -c "import json,sys;print([x['token'] for x in json.load(open(sys.argv[1])) if x['username']=='ofc.chen'][0])" "$accounts")
curl -sf "$url/api/v1/public/evidence-key" >"$dir/evidence.pub" || fail "no evidence key"
curl -sf -H "Authorization: Bearer $officer" -d '{"case_number":"SPD-2026-04417"}' \
  "$url/api/v1/evidence/export" >"$dir/case.tar" || fail "case export"
"$canvass" evidence verify "$dir/case.tar" --key "$dir/evidence.pub" >"$dir/ev" \
  || { cat "$dir/ev"; fail "evidence verify"; }
mkdir "$dir/court" && tar -C "$dir/court" -xf "$dir/case.tar"
(cd "$dir/court"/case-* && minisign -Vm SHA256SUMS -p "$dir/evidence.pub" >/dev/null \
  && sha256sum -c SHA256SUMS >/dev/null) || fail "standard tools reject the package"

# The public audit log: anyone verifies it, a witness keeps state, an offline copy verifies too.
curl -sf "$url/audit/key" >"$dir/log.key" || fail "no /audit/key"
curl -sf "$url/audit/checkpoint" | head -1 | grep -q 'demo.canvass.local' || fail "checkpoint origin"
"$canvass" audit verify --url "$url/audit" --key "$dir/log.key" --state "$dir/witness" >"$dir/v1" \
  || { cat "$dir/v1"; fail "audit verify"; }
grep -q '^OK: demo.canvass.local' "$dir/v1" || { cat "$dir/v1"; fail "audit verify output"; }
size1=$(head -2 "$dir/witness" | tail -1)
clip=$(curl -sf -H "Authorization: Bearer $token" "$url/api/v1/clips" | python3 -c "import json,sys;print(json.load(sys.stdin)['clips'][0]['id'])")
curl -sf -H "Authorization: Bearer $token" "$url/api/v1/clips/$clip/content" >/dev/null  # audited: clip.view
for _ in $(seq 1 100); do
  size2=$(curl -sf "$url/audit/checkpoint" | head -2 | tail -1)
  [ "$size2" -gt "$size1" ] && break; sleep 0.1
done
[ "$size2" -gt "$size1" ] || fail "no new checkpoint after a clip view ($size1 -> $size2)"
"$canvass" audit verify --url "$url/audit" --key "$dir/log.key" --state "$dir/witness" >"$dir/v2" \
  || { cat "$dir/v2"; fail "audit verify against the witness state"; }
grep -q "consistent with the checkpoint of $size1 leaves" "$dir/v2" || { cat "$dir/v2"; fail "no consistency check"; }
"$canvass" audit proof --url "$url" --index 0 | grep -q '"proof"' || fail "audit proof"
"$canvass" audit mirror --url "$url/audit" --out "$dir/mirror" >/dev/null || fail "mirror"
"$canvass" audit verify --dir "$dir/mirror" --key "$dir/log.key" >/dev/null || fail "offline verify"
# Public leaves never hold names, usernames, addresses or coordinates.
"$canvass" audit show --url "$url/audit" >"$dir/leaves"
[ "$(wc -l <"$dir/leaves")" -ge 50 ] || fail "too few leaves: $(wc -l <"$dir/leaves")"
python3 - "$accounts" "$dir/leaves" <<'PY' || fail "a public leaf holds private data"
import json, sys
accounts = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
needles = [a["username"] for a in accounts if a["username"] not in ("admin", "legal", "auditor")]  # role names are public + ["Elm St", "Officer Chen", "Springfield", "39.7", "-89.6", "acc_", "cam_", "clp_"]
bad = [n for n in needles if n in text]
assert not bad, bad
for line in text.splitlines():
    leaf = json.loads(line)["leaf"]
    assert set(leaf) == {"agency","case","commitment","count","object","reason","role","time","type","v"}, leaf
PY
# Tampering with the offline copy is caught and named.
tile=$(find "$dir/mirror/tile/0" -type f | sort | head -1)
printf 'Z' | dd of="$tile" bs=1 seek=70 conv=notrunc status=none
if "$canvass" audit verify --dir "$dir/mirror" --key "$dir/log.key" 2>"$dir/v3"; then fail "tampered tile verified"; fi
grep -q 'entry 2' "$dir/v3" || { cat "$dir/v3"; fail "tamper not named"; }

kill -TERM $pid
for _ in $(seq 1 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && fail "demo did not stop on SIGTERM"
wait $pid || fail "demo exited non-zero after SIGTERM"

"$canvass" check --data-dir "$dir/demo" >"$dir/check" || { cat "$dir/check"; fail "check on a fresh demo"; }
grep -q '24 clips and 1 evidence items' "$dir/check" || { cat "$dir/check"; fail "check did not see 24 clips and the evidence item"; }
grep -q 'audit leaves; 0 problems' "$dir/check" || { cat "$dir/check"; fail "check did not cover the log"; }

# Damage one blob: check must name it and exit non-zero.
blob=$(find "$dir/demo/blobs" -type f | head -1)
printf 'X' | dd of="$blob" bs=1 seek=100 conv=notrunc status=none
if "$canvass" check --data-dir "$dir/demo" >"$dir/check2"; then fail "check missed a corrupt clip"; fi
grep -q 'problem: clip clp_' "$dir/check2" || { cat "$dir/check2"; fail "check did not name the clip"; }
# Likewise a damaged evidence copy, and a stray file in the locker.
item=$(find "$dir/demo/evidence" -type f | head -1)
printf 'X' | dd of="$item" bs=1 seek=100 conv=notrunc status=none
touch "$dir/demo/evidence/stray"
if "$canvass" check --data-dir "$dir/demo" >"$dir/check3"; then fail "check missed a corrupt evidence item"; fi
grep -q 'problem: evidence item evd_' "$dir/check3" || { cat "$dir/check3"; fail "check did not name the evidence item"; }
grep -q 'problem: orphan evidence file evidence/stray' "$dir/check3" || { cat "$dir/check3"; fail "check did not report the orphan"; }

# Bad flags and config get clear errors.
if "$canvass" serve --data-dir "$dir/x" --listen nonsense 2>"$dir/e3"; then fail "bad --listen accepted"; fi
grep -q 'HOST:PORT' "$dir/e3" || fail "bad --listen message: $(cat "$dir/e3")"
printf '[server]\nthreads = "many"\n' >"$dir/bad.toml"
if "$canvass" serve --config "$dir/bad.toml" 2>"$dir/e4"; then fail "bad config accepted"; fi
grep -q 'server.threads' "$dir/e4" || fail "bad config message: $(cat "$dir/e4")"

# ---- report: transparency reports (docs/design/reports.md) --------------------------------------
# The demo's data served again: `canvass report verify` re-counts the published report from the
# public log and agrees; a server that inflates a figure is caught, and the figure named.
rpid=""
proxy=""
trap 'kill $pid ${rpid:-} ${proxy:-} 2>/dev/null || true; rm -rf "$dir"' EXIT
"$canvass" serve --data-dir "$dir/demo" --listen 127.0.0.1:0 >"$dir/rs.out" 2>&1 &
rpid=$!
for _ in $(seq 1 300); do
  grep -q 'canvass serving http' "$dir/rs.out" 2>/dev/null && break
  kill -0 $rpid 2>/dev/null || { cat "$dir/rs.out"; fail "serve exited early"; }
  sleep 0.1
done
rurl=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/rs.out" | head -1)
[ -n "$rurl" ] || fail "serve printed no URL"
"$canvass" report verify --url "$rurl" --key "$dir/log.key" >"$dir/r1" 2>&1 \
  || { cat "$dir/r1"; fail "report verify of the genuine report"; }
grep -q '^OK: report 20[0-9][0-9]Q[1-4] for the whole deployment' "$dir/r1" || { cat "$dir/r1"; fail "report verify output"; }
agency=$(grep -m1 -o '"agency":"agy_[a-z0-9]*"' "$dir/leaves" | cut -d'"' -f4)
[ -n "$agency" ] || fail "no agency in the public leaves"
"$canvass" report verify --url "$rurl" --key "$dir/log.key" --agency "$agency" >"$dir/r2" 2>&1 \
  || { cat "$dir/r2"; fail "report verify of an agency's report"; }
filed=$("$canvass" report show --url "$rurl" | python3 -c "import json,sys;print(json.load(sys.stdin)['figures']['requests.filed'])")
[ "$filed" -ge 1 ] || fail "the demo's report counts no filed request ($filed)"
"$canvass" report show --url "$rurl" --format html >"$dir/report.html" || fail "report show --format html"
grep -q '<svg' "$dir/report.html" || fail "report page has no chart"
# A server in front of the real one that adds one to `requests.filed`.
python3 - "$rurl" "$dir/proxy.port" >"$dir/proxy.log" 2>&1 <<'PY' &
import http.server, json, sys, urllib.error, urllib.request
upstream, port_file = sys.argv[1], sys.argv[2]
class Tamper(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        try:
            with urllib.request.urlopen(upstream + self.path) as r:
                status, body = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, body = e.code, e.read()
        if self.path.startswith("/api/v1/public/reports"):
            report = json.loads(body)
            report["figures"]["requests.filed"] += 1
            body = json.dumps(report).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Tamper)
open(port_file + ".tmp", "w").write(str(server.server_address[1]))
import os; os.rename(port_file + ".tmp", port_file)
server.serve_forever()
PY
proxy=$!
for _ in $(seq 1 100); do [ -f "$dir/proxy.port" ] && break; sleep 0.1; done
[ -f "$dir/proxy.port" ] || { cat "$dir/proxy.log"; fail "tampering proxy did not start"; }
if "$canvass" report verify --url "http://127.0.0.1:$(cat "$dir/proxy.port")" --key "$dir/log.key" >"$dir/r3" 2>&1; then
  cat "$dir/r3"; fail "a tampered report verified"
fi
grep -q "figure requests.filed differs: published $((filed + 1)), counted $filed" "$dir/r3" \
  || { cat "$dir/r3"; fail "the tampered figure was not named"; }
kill $proxy 2>/dev/null || true
kill -TERM $rpid
wait $rpid || fail "serve exited non-zero after SIGTERM"
# ---- end report ---------------------------------------------------------------------------------

echo "1 passed, 0 failed"
