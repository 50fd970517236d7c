// The audit log, checked in this page: the latest checkpoint's signature, leaves browsable by
// bundle, and an inclusion proof of any leaf against the signed root.
import { useEffect, useState } from "preact/hooks";
import * as A from "../audit";
import { ErrorBox, Field, Loading, PageTitle } from "../ui";

interface Verified {
  cp: A.Checkpoint & { via: string };
  keyText: string;
}

export function Audit() {
  const [keyText, setKeyText] = useState("");
  const [v, setV] = useState<Verified | null>(null);
  const [err, setErr] = useState<unknown>(null);
  const [bundle, setBundle] = useState(-1);
  const [leaves, setLeaves] = useState<Uint8Array[] | null>(null);
  const [index, setIndex] = useState<number | null>(null);
  const [proof, setProof] = useState<{ index: number; ok: boolean; steps: number } | null>(null);
  const [proofErr, setProofErr] = useState("");

  const check = async (keyOverride?: string) => {
    setErr(null);
    setV(null);
    setProof(null);
    try {
      const kt = keyOverride ?? (await A.fetchKey());
      setKeyText(kt.trim());
      const key = await A.parseVerifierKey(kt);
      const cp = await A.openCheckpoint(await A.fetchCheckpoint(), key);
      setV({ cp, keyText: kt });
      const last = Math.max(0, Math.floor((cp.size - 1) / 256));
      setBundle(last);
      if (cp.size > 0) await prove(cp, cp.size - 1);
    } catch (e) {
      setErr(e);
    }
  };

  const prove = async (cp: A.Checkpoint, i: number) => {
    setProofErr("");
    setProof(null);
    setIndex(i);
    try {
      const entries = await A.fetchBundle(Math.floor(i / 256), cp.size);
      const leaf = entries[i % 256];
      const p = await A.inclusionProof(i, cp.size);
      const ok = await A.verifyInclusion(i, cp.size, leaf, p, cp.root);
      setProof({ index: i, ok, steps: p.length });
    } catch (e) {
      setProofErr(String((e as Error).message ?? e));
    }
  };

  useEffect(() => {
    check();
  }, []);

  useEffect(() => {
    if (!v || bundle < 0) return;
    setLeaves(null);
    A.fetchBundle(bundle, v.cp.size).then(setLeaves, (e) => setErr(e));
  }, [bundle, v?.cp.size]);

  const bundles = v ? Math.ceil(v.cp.size / 256) : 0;
  return (
    <>
      <PageTitle>Audit log</PageTitle>
      <p>
        Every state change and every read of protected data is a leaf of this append-only Merkle tree (RFC 9162). The server
        signs its head (a checkpoint) with Ed25519. This page checks both itself; <code>canvass audit verify</code> re-derives
        the whole tree.
      </p>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          check(keyText);
        }}
      >
        <Field label="Verifier key" hint="Fetched from /audit/key; better, paste the key the operator published elsewhere.">
          {(a) => <input {...a} class="mono wide" value={keyText} onInput={(e) => setKeyText(e.currentTarget.value)} />}
        </Field>
        <button type="submit">Check again</button>
      </form>
      <ErrorBox error={err} />
      {!v && !err && <Loading />}
      {v && (
        <section aria-labelledby="cp-head">
          <h2 id="cp-head">Latest checkpoint</h2>
          <p class="verdict ok" role="status" data-testid="signature-status">
            Checkpoint signature: verified ({v.cp.via})
          </p>
          <dl class="facts">
            <dt>Origin</dt>
            <dd>{v.cp.origin}</dd>
            <dt>Tree size</dt>
            <dd>{v.cp.size.toLocaleString()} leaves</dd>
            <dt>Root hash</dt>
            <dd class="mono">{A.hex(v.cp.root)}</dd>
          </dl>
          <h2>Inclusion proof</h2>
          {proof && (
            <p class={"verdict " + (proof.ok ? "ok" : "bad")} role="status" data-testid="proof-status">
              Inclusion proof for leaf {proof.index}: {proof.ok ? "verified" : "FAILED"} ({proof.steps} hashes, against the
              signed root)
            </p>
          )}
          {proofErr && <p class="field-error">{proofErr}</p>}
          <form
            class="inline"
            onSubmit={(e) => {
              e.preventDefault();
              if (index !== null) prove(v.cp, index);
            }}
          >
            <Field label="Leaf index" hint={`0 to ${v.cp.size - 1}`}>
              {(a) => (
                <input
                  {...a}
                  type="number"
                  min={0}
                  max={v.cp.size - 1}
                  value={index ?? ""}
                  onInput={(e) => setIndex(Math.min(v.cp.size - 1, Math.max(0, Number(e.currentTarget.value))))}
                />
              )}
            </Field>
            <button type="submit">Prove inclusion</button>
          </form>
          <h2>Leaves</h2>
          <nav class="row" aria-label="Leaf bundles">
            <button disabled={bundle <= 0} onClick={() => setBundle(bundle - 1)}>
              Older
            </button>
            <span>
              Leaves {bundle * 256} to {Math.min(v.cp.size, (bundle + 1) * 256) - 1} (bundle {bundle + 1} of {bundles})
            </span>
            <button disabled={bundle >= bundles - 1} onClick={() => setBundle(bundle + 1)}>
              Newer
            </button>
          </nav>
          {!leaves ? (
            <Loading />
          ) : (
            <ol class="leaves" start={bundle * 256}>
              {leaves
                .map((l, i) => ({ l, i: bundle * 256 + i }))
                .reverse()
                .map(({ l, i }) => (
                  <li key={i} value={i}>
                    <details>
                      <summary>
                        Leaf {i}: {summary(l)}
                      </summary>
                      <pre>{A.leafText(l)}</pre>
                      <button onClick={() => prove(v.cp, i)}>Prove leaf {i} is in the log</button>
                    </details>
                  </li>
                ))}
            </ol>
          )}
        </section>
      )}
    </>
  );
}

function summary(l: Uint8Array): string {
  try {
    const j = JSON.parse(new TextDecoder().decode(l));
    const when = typeof j.time === "number" ? new Date(j.time * 1000).toLocaleString() : "";
    return [j.type, when, j.role && "by " + j.role, j.reason].filter(Boolean).join(" · ") || "leaf";
  } catch {
    return `${l.length} bytes`;
  }
}
