#!/usr/bin/env bash
# `canvass recognize --json`: one JSON line per image in the documented shape; a corrupt file and
# a missing file give clear errors while the other images still run; exit status 1 then.
# Usage: recognize_cli_test.sh CANVASS_BINARY TESTDATA_DIR
set -euo pipefail
bin=$1
data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf 'not a picture\n' >"$tmp/corrupt.jpg"
head -c 300 "$data/empty_0.jpg" >"$tmp/truncated.jpg"

set +e
"$bin" recognize --json --region us "$data/plate_us_ABC1234.png" "$tmp/corrupt.jpg" \
  "$tmp/missing.png" "$tmp/truncated.jpg" "$data/empty_1.jpg" >"$tmp/out.jsonl" 2>"$tmp/err.txt"
rc=$?
set -e

python3 - "$tmp/out.jsonl" "$tmp/err.txt" "$rc" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
err = open(sys.argv[2]).read()
rc = int(sys.argv[3])
assert rc == 1, f"exit status {rc}, want 1 (some images failed)"
assert len(lines) == 5, lines
objs = [json.loads(l) for l in lines]
ok, corrupt, missing, truncated, empty = objs
# The plate picture: whole-frame search finds the plate (it fills the picture) or not, but the
# shape must be right either way.
for o in (ok, empty):
    assert set(o) == {"image", "plates", "ms"}, o
    assert isinstance(o["ms"], (int, float)) and o["ms"] >= 0
    for p in o["plates"]:
        assert set(p) == {"text", "confidence", "box", "candidates"}, p
        assert isinstance(p["text"], str) and 0 <= p["confidence"] <= 1
        assert len(p["box"]) == 4 and all(isinstance(v, int) for v in p["box"])
        assert p["candidates"] and p["candidates"][0]["text"] == p["text"]
        for c in p["candidates"]:
            assert set(c) == {"text", "confidence"}
assert empty["plates"] == [], empty
for o, word in ((corrupt, "corrupt"), (missing, "missing"), (truncated, "truncated")):
    assert set(o) == {"image", "error"}, o
    assert o["image"].endswith(word + (".png" if word == "missing" else ".jpg"))
assert "not an image" in corrupt["error"], corrupt
assert "No such file" in missing["error"], missing
assert err.count("error:") == 3, err
print("ok")
EOF

# --crop reads a plate picture directly.
"$bin" recognize --json --crop "$data/plate_us_ABC1234.png" >"$tmp/crop.jsonl"
python3 - "$tmp/crop.jsonl" <<'EOF'
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o["plates"][0]["text"] == "ABC1234", o
print("ok")
EOF
