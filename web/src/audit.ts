// Checks the public audit log in the browser (docs/design/audit-formats.md): the checkpoint's
// Ed25519 signature (C2SP signed note) against the log's verifier key, and RFC 9162 inclusion
// proofs of leaves read from the entry bundles (C2SP tlog-tiles).
import * as ed from "@noble/ed25519";

const enc = new TextEncoder();

export function b64decode(s: string): Uint8Array {
  const bin = atob(s.trim());
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
export function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
export async function sha256(b: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", b as BufferSource));
}
export const leafHash = (leaf: Uint8Array) => sha256(concat(new Uint8Array([0]), leaf));
const nodeHash = (l: Uint8Array, r: Uint8Array) => sha256(concat(new Uint8Array([1]), l, r));

export interface VerifierKey {
  name: string;
  id: Uint8Array; // 4 bytes
  publicKey: Uint8Array; // 32 bytes
}

// "<name>+<key id hex>+<base64(0x01 || Ed25519 public key)>", key id checked.
export async function parseVerifierKey(text: string): Promise<VerifierKey> {
  // The name has no "+", the key id is 8 hex digits; the base64 may itself hold "+".
  const m = /^([^+\s]+)\+([0-9a-fA-F]{8})\+([A-Za-z0-9+/=]+)$/.exec(text.trim());
  if (!m) throw new Error("a verifier key is name+keyid+base64");
  const [, name, idHex, b64] = m;
  const raw = b64decode(b64);
  if (raw.length !== 33 || raw[0] !== 1) throw new Error("not an Ed25519 verifier key");
  const publicKey = raw.slice(1);
  const id = (await sha256(concat(enc.encode(name), new Uint8Array([0x0a, 0x01]), publicKey))).slice(0, 4);
  if (hex(id) !== idHex.toLowerCase()) throw new Error("the key id does not match the key");
  return { name, id, publicKey };
}

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  rootB64: string;
  text: string;
}

export async function ed25519Verify(pub: Uint8Array, sig: Uint8Array, msg: Uint8Array): Promise<{ ok: boolean; via: string }> {
  try {
    const key = await crypto.subtle.importKey("raw", pub as BufferSource, { name: "Ed25519" }, false, ["verify"]);
    return { ok: await crypto.subtle.verify({ name: "Ed25519" }, key, sig as BufferSource, msg as BufferSource), via: "WebCrypto Ed25519" };
  } catch (e) {
    if (e instanceof DOMException && e.name !== "NotSupportedError" && e.name !== "DataError") throw e;
    return { ok: await ed.verifyAsync(sig, msg, pub), via: "@noble/ed25519" };
  }
}

// Opens a signed note: the signature by `key` must be present and verify.
export async function openCheckpoint(note: string, key: VerifierKey): Promise<Checkpoint & { via: string }> {
  const cut = note.lastIndexOf("\n\n");
  if (cut < 0) throw new Error("malformed note: no blank line before the signatures");
  const text = note.slice(0, cut + 1);
  const lines = note.slice(cut + 2).split("\n").filter(Boolean);
  let via = "";
  let found = false;
  for (const line of lines) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) throw new Error("malformed signature line: " + line);
    if (m[1] !== key.name) continue;
    const raw = b64decode(m[2]);
    if (raw.length !== 68 || !equal(raw.slice(0, 4), key.id)) continue;
    const r = await ed25519Verify(key.publicKey, raw.slice(4), enc.encode(text));
    if (!r.ok) throw new Error("the checkpoint signature does not verify");
    via = r.via;
    found = true;
  }
  if (!found) throw new Error("the checkpoint has no signature by " + key.name);
  const [origin, size, root] = text.split("\n");
  if (!/^(0|[1-9]\d*)$/.test(size)) throw new Error("malformed tree size");
  const rootBytes = b64decode(root);
  if (rootBytes.length !== 32) throw new Error("malformed root hash");
  if (origin !== key.name) throw new Error(`origin ${origin} is not the key's name ${key.name}`);
  return { origin, size: Number(size), root: rootBytes, rootB64: root, text, via };
}

// RFC 9162 2.1.3.2.
export async function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: Uint8Array[], root: Uint8Array): Promise<boolean> {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = await leafHash(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

export function tileIndexPath(n: number): string {
  let s = String(n % 1000).padStart(3, "0");
  n = Math.floor(n / 1000);
  while (n > 0) {
    s = "x" + String(n % 1000).padStart(3, "0") + "/" + s;
    n = Math.floor(n / 1000);
  }
  return s;
}

// The entries of bundle `n` in a tree of `size` leaves.
export async function fetchBundle(n: number, size: number): Promise<Uint8Array[]> {
  const width = Math.min(256, size - n * 256);
  if (width <= 0) return [];
  const path = `/audit/tile/entries/${tileIndexPath(n)}` + (width < 256 ? `.p/${width}` : "");
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  const b = new Uint8Array(await res.arrayBuffer());
  const out: Uint8Array[] = [];
  let o = 0;
  while (o < b.length) {
    if (o + 2 > b.length) throw new Error("truncated entry bundle");
    const len = (b[o] << 8) | b[o + 1];
    if (o + 2 + len > b.length) throw new Error("truncated entry in bundle");
    out.push(b.slice(o + 2, o + 2 + len));
    o += 2 + len;
  }
  if (out.length !== width) throw new Error(`bundle ${n} has ${out.length} entries, expected ${width}`);
  return out;
}

export async function fetchCheckpoint(): Promise<string> {
  const res = await fetch("/audit/checkpoint", { cache: "no-store" });
  if (!res.ok) throw new Error("no checkpoint yet (HTTP " + res.status + ")");
  return res.text();
}

export async function fetchKey(): Promise<string> {
  const res = await fetch("/audit/key");
  if (!res.ok) throw new Error("no verifier key (HTTP " + res.status + ")");
  return res.text();
}

export async function inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
  const res = await fetch(`/api/v1/audit/proofs/inclusion?index=${index}&size=${size}`);
  if (!res.ok) throw new Error("inclusion proof: HTTP " + res.status);
  const j = await res.json();
  return (j.proof as string[]).map(b64decode);
}

export function leafText(b: Uint8Array): string {
  const s = new TextDecoder().decode(b);
  try {
    return JSON.stringify(JSON.parse(s), null, 1);
  } catch {
    return s;
  }
}
