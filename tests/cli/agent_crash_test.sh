#!/usr/bin/env bash
# The agent's outbox survives kill -9 and a server that is down: the agent records motion clips
# from a looped synthetic street while the server is down, is killed with SIGKILL three times
# (the third in the middle of a recording, which the next start recovers), and, once the server
# is up, uploads every clip it ever queued or recovered (each exactly once on the server).
set -euo pipefail
canvass="$1"
dir=$(mktemp -d)
spid=""; apid=""
trap 'kill -9 $spid $apid 2>/dev/null || true; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; tail -30 "$dir/agent.log" >&2 || true; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"

cat >"$dir/canvass.toml" <<TOML
[server]
data_dir = "$dir/data"
listen = "127.0.0.1:$port"
[deployment]
name = "agent-crash.canvass.test"
[auth]
password_cost = "minimum"
allow_weak_passwords = true
TOML
echo "resident-password-123" | "$canvass" user create --config "$dir/canvass.toml" --username res --role resident >/dev/null
token=$("$canvass" token create --config "$dir/canvass.toml" --username res | python3 -c "import json,sys;print(json.load(sys.stdin)['token'])")

start_server() {
  "$canvass" serve --config "$dir/canvass.toml" >>"$dir/serve.log" 2>&1 &
  spid=$!
  for _ in $(seq 1 200); do
    curl -sf "$url/api/v1/health" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  fail "server did not start"
}
start_server
device=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"name":"porch","location":{"lat":39.8,"lng":-89.65}}' "$url/api/v1/cameras" \
  | python3 -c "import json,sys;print(json.load(sys.stdin)['device_token'])")
kill -TERM $spid; wait $spid || true; spid=""   # the server goes down

# 10 s of street, quiet for 4 s then busy, looped in real time: about one clip per pass.
"$canvass" agent synth --out "$dir/street.mp4" --seconds 10 --width 320 --height 240 --fps 10 \
  --seed 5 --vehicles-per-minute 20 --people-per-minute 0 >/dev/null
cat >"$dir/agent.toml" <<TOML
[agent]
server = "$url"
data_dir = "$dir/agent"
backoff_min_ms = 100
backoff_max_ms = 1000
heartbeat_interval_s = 1
[[camera]]
name = "porch"
source = "$dir/street.mp4"
device_token = "$device"
loop = true
pre_roll_ms = 1000
post_roll_ms = 1000
TOML

run_agent() {  # seconds to run, then kill -9
  "$canvass" agent --config "$dir/agent.toml" >>"$dir/agent.log" 2>&1 &
  apid=$!
  sleep "$1"
  kill -9 $apid; wait $apid 2>/dev/null || true; apid=""
}
run_agent 14
run_agent 13
# The third kill lands in the middle of a motion event: its recording is cut short.
before=$(grep -c "motion at" "$dir/agent.log" || true)
"$canvass" agent --config "$dir/agent.toml" >>"$dir/agent.log" 2>&1 &
apid=$!
for _ in $(seq 1 300); do
  [ "$(grep -c "motion at" "$dir/agent.log" || true)" -gt "$before" ] && break
  sleep 0.1
done
sleep 1.5
kill -9 $apid; wait $apid 2>/dev/null || true; apid=""
queued=$(grep -c "queued clip" "$dir/agent.log" || true)
[ "$queued" -gt 0 ] || fail "no clip was queued while the server was down; the test proves nothing"
pending=$(ls "$dir/agent/outbox/queue" | grep -c '\.json$' || true)
[ "$pending" -gt 0 ] || fail "nothing waits in the outbox"

start_server
"$canvass" agent --config "$dir/agent.toml" >>"$dir/agent.log" 2>&1 &
apid=$!
for _ in $(seq 1 300); do  # until every item queued before now has gone
  left=$(ls "$dir/agent/outbox/queue" | grep -c '\.json$' || true)
  [ "$left" -eq 0 ] && break
  sleep 0.1
done
[ "$left" -eq 0 ] || fail "$left items still in the outbox"
# SIGTERM finishes the clip in progress; it waits in the outbox for the next start.
kill -TERM $apid; wait $apid || fail "agent exit after SIGTERM"; apid=""
queued=$(grep -c "queued clip" "$dir/agent.log" || true)
recovered=$(grep -c "recovered the recording" "$dir/agent.log" || true)
[ "$recovered" -gt 0 ] || fail "the recording cut by the third kill -9 was not recovered"
queued=$((queued + recovered))
curl -sf -H "Authorization: Bearer $token" "$url/api/v1/clips?limit=1000" >"$dir/clips.json"
curl -sf -H "Authorization: Bearer $token" "$url/api/v1/motion?limit=1000" >"$dir/motion.json"
python3 - "$dir/agent/outbox" "$dir/clips.json" "$dir/motion.json" "$queued" <<'PY' || fail "a queued clip was lost"
import json, os, sys
box, clips, motion, queued = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sent = [json.load(open(os.path.join(box, "sent", f))) for f in os.listdir(os.path.join(box, "sent")) if f.endswith(".json")]
sent_clips = {m["sha256"] for m in sent if m["kind"] == "clip"}
n_sent = sum(1 for m in sent if m["kind"] == "clip")
pending = [json.load(open(os.path.join(box, "queue", f))) for f in os.listdir(os.path.join(box, "queue")) if f.endswith(".json")]
n_pending = sum(1 for m in pending if m["kind"] == "clip")
assert n_sent + n_pending == queued, f"{queued} clips queued, {n_sent} uploaded, {n_pending} pending"
server = {c["sha256"] for c in json.load(open(clips))["clips"]}
assert sent_clips <= server, sorted(sent_clips - server)
assert not os.listdir(os.path.join(box, "failed")), os.listdir(os.path.join(box, "failed"))
assert len(json.load(open(motion))["motion"]) > 0
print(f"{queued} clips queued or recovered across 3 kill -9, all on the server ({len(server)} distinct)")
PY
kill -TERM $spid; wait $spid || true; spid=""
echo "1 passed, 0 failed"
