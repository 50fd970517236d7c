// Police pages: footage requests (file on a map with the policy explained, status with counts
// only, supervisor approvals), the evidence locker (playback, custody, export with progress),
// emergency requests and the agency's view of legal demands.
import { useMemo, useState } from "preact/hooks";
import { ApiError, Decision, download, get, Json, post, qs, saveBlob } from "../api";
import { LatLng, MapView } from "../map";
import { Link, navigate, query } from "../router";
import { useSession } from "../session";
import {
  Count,
  DecisionTable,
  ErrorBox,
  Field,
  fromLocalInput,
  Loading,
  Notice,
  PageTitle,
  Progress,
  Status,
  Time,
  toLocalInput,
  useLoad,
} from "../ui";

export const INCIDENT_TYPES = [
  "burglary", "robbery", "assault", "homicide", "shooting", "arson", "vehicle_theft", "theft", "vandalism",
  "hit_and_run", "kidnapping", "missing_person", "sexual_assault", "fraud", "other",
];

function Counts(props: { c: Json }) {
  return (
    <dl class="facts counts">
      <dt>Cameras asked</dt>
      <dd>
        <Count v={props.c.cameras_notified} />
      </dd>
      <dt>Owners who shared</dt>
      <dd>
        <Count v={props.c.owners_shared} />
      </dd>
      <dt>Clips shared</dt>
      <dd>
        <Count v={props.c.clips_shared} />
      </dd>
    </dl>
  );
}

export function Requests() {
  const { data, error } = useLoad(() => get("/api/v1/requests"));
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  return (
    <>
      <PageTitle>Footage requests</PageTitle>
      <p>Your agency sees counts only: never who was asked, which cameras, or who declined.</p>
      <MapView
        label="Map of the agency's requests"
        fit
        circles={data.requests.map((r: Json) => ({ center: r.area.center, radius_m: r.area.radius_m, label: `${r.case_number} (${r.status})` }))}
        height="280px"
      />
      <table>
        <thead>
          <tr>
            <th scope="col">Case</th>
            <th scope="col">Incident</th>
            <th scope="col">Status</th>
            <th scope="col">Filed</th>
            <th scope="col">Cameras asked</th>
            <th scope="col">Owners shared</th>
            <th scope="col">Clips</th>
          </tr>
        </thead>
        <tbody>
          {data.requests.map((r: Json) => (
            <tr key={r.id}>
              <td>
                <Link href={`/requests/${r.id}`}>{r.case_number}</Link>
              </td>
              <td>{r.incident_type.replace(/_/g, " ")}</td>
              <td>
                <Status s={r.status} />
              </td>
              <td>
                <Time t={r.created_at} />
              </td>
              <td>
                <Count v={r.counts.cameras_notified} />
              </td>
              <td>
                <Count v={r.counts.owners_shared} />
              </td>
              <td>
                <Count v={r.counts.clips_shared} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

// The request policy's rules with the documented default limits ([requests] in
// docs/ref/config.md), evaluated in the browser as the officer types, so the explanation is
// shown before sending. The server's decision, made with the deployment's own limits, is final.
function previewDecision(f: Json, center: LatLng | null): Decision {
  const r = Number(f.radius_m);
  const from = new Date(f.from).getTime();
  const to = new Date(f.to).getTime();
  const win = (to - from) / 1000;
  const R = 6371010;
  const area = 2 * Math.PI * R * R * (1 - Math.cos(r / R));
  const text = (f.incident_type + " " + f.description).toLowerCase();
  const prohibited = ["immigration", "deportation", "protest", "abortion", "reproductive"].find((w) => text.includes(w));
  const hm = (s: number) => (s >= 3600 ? `${+(s / 3600).toFixed(2)} h` : `${Math.round(s / 60)} min`);
  const rules = [
    { rule: "incident_type_known", kind: "limit", passed: INCIDENT_TYPES.includes(f.incident_type), explanation: `incident type ${f.incident_type || "(none)"}` },
    {
      rule: "purpose_not_prohibited",
      kind: "limit",
      passed: !prohibited,
      explanation: prohibited ? `the request mentions '${prohibited}': a prohibited purpose` : "no prohibited purpose found in the incident type or description",
    },
    { rule: "point_in_jurisdiction", kind: "limit", passed: !!center, explanation: center ? "checked by the server against the jurisdiction" : "place the circle on the map" },
    { rule: "radius_min", kind: "limit", passed: r >= 25, explanation: `radius ${r} m ${r >= 25 ? ">=" : "<"} 25 m minimum` },
    { rule: "radius_max", kind: "limit", passed: r <= 800, explanation: `radius ${r} m ${r <= 800 ? "<=" : ">"} 800 m maximum` },
    { rule: "area_max", kind: "limit", passed: area <= 1294994, explanation: `area ${Math.round(area)} m2 ${area <= 1294994 ? "<=" : ">"} 1294994 m2 maximum` },
    { rule: "window_min", kind: "limit", passed: win >= 900, explanation: `window ${hm(win)} ${win >= 900 ? ">=" : "<"} 15 min minimum` },
    { rule: "window_max", kind: "limit", passed: win <= 12 * 3600, explanation: `window ${hm(win)} ${win <= 43200 ? "<=" : ">"} 12 h maximum` },
    { rule: "window_in_past", kind: "limit", passed: to <= Date.now(), explanation: to <= Date.now() ? "the window lies wholly in the past" : "the window ends in the future" },
    { rule: "window_within_retention", kind: "limit", passed: Date.now() - from <= 60 * 86400e3, explanation: "the window must start within the last 60 days" },
    { rule: "approval_radius", kind: "approval", passed: r <= 400, explanation: r <= 400 ? `radius ${r} m <= 400 m` : `radius ${r} m > 400 m: a supervisor must approve` },
    { rule: "approval_window", kind: "approval", passed: win <= 6 * 3600, explanation: win <= 21600 ? `window ${hm(win)} <= 6 h` : `window ${hm(win)} > 6 h: a supervisor must approve` },
  ];
  const verdict = rules.some((x) => x.kind === "limit" && !x.passed) ? "refused" : rules.some((x) => !x.passed) ? "needs_approval" : "allowed";
  return { verdict, state: "", rules };
}

const REQUEST_FIELDS = ["case_number", "incident_type", "description", "center", "radius_m", "from", "to", "expires_in_h"];

export function NewRequest() {
  const now = Date.now();
  const [f, setF] = useState<Json>({
    case_number: "",
    incident_type: "burglary",
    description: "",
    radius_m: 200,
    from: toLocalInput(new Date(now - 3 * 3600e3)),
    to: toLocalInput(new Date(now - 3600e3)),
    expires_in_h: "",
  });
  const [center, setCenter] = useState<LatLng | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const session = useSession();
  const set = (k: string, v: unknown) => setF({ ...f, [k]: v });
  const preview = useMemo(() => previewDecision(f, center), [JSON.stringify(f), center]);
  const boundary = session.agency?.boundary as [number, number][] | undefined;
  const fe = (name: string) => local[name] ?? (err && !err.decision && err.fieldIn(REQUEST_FIELDS) === name ? err.message : undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!f.case_number.trim()) problems.case_number = "Give the agency's case number";
    if (f.description.trim().length < 10) problems.description = "Describe the incident (at least 10 characters); owners and the public read it";
    if (!center) problems.center = "Click the map to place the circle, or type its latitude and longitude";
    if (!f.from || !f.to) problems.from = "Choose the footage window";
    setLocal(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    setErr(null);
    try {
      const r = await post("/api/v1/requests", {
        case_number: f.case_number.trim(),
        incident_type: f.incident_type,
        description: f.description.trim(),
        center,
        radius_m: Number(f.radius_m),
        from: fromLocalInput(f.from),
        to: fromLocalInput(f.to),
        expires_in_h: f.expires_in_h ? Number(f.expires_in_h) : undefined,
      });
      navigate(`/requests/${r.id}?filed=1`);
    } catch (e) {
      setErr(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <PageTitle>New footage request</PageTitle>
      <form onSubmit={submit} novalidate>
        <div class="two">
          <div>
            <Field label="Case number" required error={fe("case_number")} hint="Police only: owners and the public never see it">
              {(a) => <input {...a} value={f.case_number} onInput={(e) => set("case_number", e.currentTarget.value)} />}
            </Field>
            <Field label="Incident type" required error={fe("incident_type")}>
              {(a) => (
                <select {...a} value={f.incident_type} onChange={(e) => set("incident_type", e.currentTarget.value)}>
                  {INCIDENT_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {t.replace(/_/g, " ")}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Public description" required error={fe("description")} hint="Shown to the owners asked and on the public feed">
              {(a) => <textarea {...a} rows={3} value={f.description} onInput={(e) => set("description", e.currentTarget.value)} />}
            </Field>
            <Field label="Centre latitude" required error={fe("center")}>
              {(a) => (
                <input {...a} type="number" step="any" value={center?.lat ?? ""} onInput={(e) => setCenter({ lat: Number(e.currentTarget.value), lng: center?.lng ?? 0 })} />
              )}
            </Field>
            <Field label="Centre longitude" required>
              {(a) => (
                <input {...a} type="number" step="any" value={center?.lng ?? ""} onInput={(e) => setCenter({ lat: center?.lat ?? 0, lng: Number(e.currentTarget.value) })} />
              )}
            </Field>
            <Field label="Radius (metres)" required error={fe("radius_m")} hint="25 to 800 m; over 400 m needs a supervisor">
              {(a) => <input {...a} type="number" min={25} max={800} value={f.radius_m} onInput={(e) => set("radius_m", e.currentTarget.value)} />}
            </Field>
            <Field label="Footage from" required error={fe("from")}>
              {(a) => <input {...a} type="datetime-local" value={f.from} onInput={(e) => set("from", e.currentTarget.value)} />}
            </Field>
            <Field label="Footage to" required error={fe("to")} hint="15 min to 12 h, wholly in the past; over 6 h needs a supervisor">
              {(a) => <input {...a} type="datetime-local" value={f.to} onInput={(e) => set("to", e.currentTarget.value)} />}
            </Field>
            <Field label="Owners may answer for (hours)" error={fe("expires_in_h")} hint="Empty: the policy's default (72 h)">
              {(a) => <input {...a} type="number" min={1} max={72} value={f.expires_in_h} onInput={(e) => set("expires_in_h", e.currentTarget.value)} />}
            </Field>
          </div>
          <div>
            <MapView
              label="Click to place the centre of the request"
              zoom={14}
              center={center ?? undefined}
              circles={center ? [{ center, radius_m: Number(f.radius_m) || 0, label: "requested area" }] : []}
              polygons={boundary ? [{ points: boundary, label: "jurisdiction" }] : []}
              onClick={setCenter}
              height="420px"
            />
            <label for="radius-slider">Radius: {f.radius_m} m</label>
            <input id="radius-slider" type="range" min={25} max={800} step={5} value={f.radius_m} onInput={(e) => set("radius_m", e.currentTarget.value)} />
          </div>
        </div>
        <section aria-labelledby="policy-head" class="panel">
          <h2 id="policy-head">What the policy will say</h2>
          <p class="hint">A preview with the default limits, updated as you type. The server decides with this deployment's rules.</p>
          <DecisionTable decision={preview} caption="Preview" />
        </section>
        {err && (
          <div class="error-box" role="alert">
            <p>
              <strong>{err.decision ? "Refused by the policy." : "Not sent."}</strong> {err.message}
            </p>
            {err.decision && <DecisionTable decision={err.decision} caption="The server's decision" />}
          </div>
        )}
        <button type="submit" disabled={busy}>
          {busy ? "Filing…" : "File request"}
        </button>
      </form>
    </>
  );
}

export function RequestDetail(props: { id: string }) {
  const { data, error, reload } = useLoad(() => get(`/api/v1/requests/${props.id}`), [props.id]);
  const session = useSession();
  const [err, setErr] = useState<unknown>(null);
  const [note, setNote] = useState("");
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const r = data;
  const act = async (what: string, body?: Json) => {
    setErr(null);
    try {
      await post(`/api/v1/requests/${r.id}/${what}`, body);
      reload();
    } catch (e) {
      setErr(e);
    }
  };
  const role = session.account?.role;
  const mayReview = role === "supervisor" && r.status === "pending_approval" && r.filed_by !== session.account?.id;
  return (
    <>
      <PageTitle>{`Request ${r.case_number}`}</PageTitle>
      {query("filed") && (
        <Notice>
          Filed: {r.status === "open" ? "open, owners have been asked." : "waiting for a supervisor's approval; no owner is asked until then."}
        </Notice>
      )}
      <p class="lead">{r.description}</p>
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <Status s={r.status} />
        </dd>
        <dt>Incident</dt>
        <dd>{r.incident_type.replace(/_/g, " ")}</dd>
        <dt>Window</dt>
        <dd>
          <Time t={r.window.from} /> to <Time t={r.window.to} />
        </dd>
        <dt>Filed</dt>
        <dd>
          <Time t={r.created_at} />; expires <Time t={r.expires_at} />
        </dd>
        {r.reviewed && (
          <>
            <dt>Reviewed</dt>
            <dd>
              <Time t={r.reviewed.at} /> {r.reviewed.note && `— ${r.reviewed.note}`}
            </dd>
          </>
        )}
      </dl>
      <h2>Answers (counts only)</h2>
      <Counts c={r.counts} />
      <MapView label="The request's area" fit circles={[{ center: r.area.center, radius_m: r.area.radius_m }]} height="260px" />
      <DecisionTable decision={r.decision} caption="Policy decision at filing" />
      <div class="row">
        <Link href={`/evidence?case_number=${encodeURIComponent(r.case_number)}`}>Evidence for this case</Link>
        {(role === "officer" || role === "supervisor") && (r.status === "open" || r.status === "pending_approval") && (
          <button class="secondary" onClick={() => confirm("Close this request? Owners can no longer share.") && act("close")}>
            Close request
          </button>
        )}
      </div>
      {mayReview && (
        <section class="panel" aria-labelledby="review-head">
          <h2 id="review-head">Review</h2>
          <Field label="Note" hint="Recorded with your decision">
            {(a) => <textarea {...a} rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
          </Field>
          <div class="row">
            <button onClick={() => act("approve", { note })}>Approve</button>
            <button class="danger" onClick={() => act("reject", { note })}>
              Reject
            </button>
          </div>
        </section>
      )}
      <ErrorBox error={err} />
    </>
  );
}

export function Approvals() {
  const { data, error } = useLoad(() => get("/api/v1/requests"));
  const session = useSession();
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const pending = data.requests.filter((r: Json) => r.status === "pending_approval");
  return (
    <>
      <PageTitle>Approvals</PageTitle>
      <p>Requests the policy sent to a supervisor (a wide area or a long window). You cannot approve your own.</p>
      <ul class="cards">
        {pending.map((r: Json) => (
          <li key={r.id}>
            <Link href={`/requests/${r.id}`}>
              {r.case_number}: {r.incident_type.replace(/_/g, " ")}
            </Link>{" "}
            ({Math.round(r.area.radius_m)} m, filed <Time t={r.created_at} />){r.filed_by === session.account?.id && " — yours"}
            <ul>
              {r.decision.rules
                .filter((x: Json) => !x.passed)
                .map((x: Json) => (
                  <li key={x.rule}>{x.explanation}</li>
                ))}
            </ul>
          </li>
        ))}
      </ul>
      {pending.length === 0 && <p>Nothing waits for approval.</p>}
    </>
  );
}

export function Evidence() {
  const [caseNumber, setCaseNumber] = useState(query("case_number"));
  const [filter, setFilter] = useState(query("case_number"));
  const { data, error } = useLoad(() => get("/api/v1/evidence" + qs({ case_number: filter })), [filter]);
  const [progress, setProgress] = useState<number | null | undefined>(undefined);
  const [exportErr, setExportErr] = useState("");
  const [exported, setExported] = useState("");
  const exportCase = async (e: Event) => {
    e.preventDefault();
    setExportErr("");
    setExported("");
    if (!caseNumber.trim()) {
      setExportErr("Give the case number to export");
      return;
    }
    try {
      setProgress(0);
      const { blob, filename } = await download("POST", "/api/v1/evidence/export", { case_number: caseNumber.trim() }, setProgress);
      saveBlob(blob, filename);
      setExported(`${filename} (${(blob.size / 1024).toFixed(0)} KiB) saved. Check it with: canvass evidence verify ${filename} --key deployment.pub`);
    } catch (e) {
      setExportErr((e as Error).message);
      setProgress(undefined);
    }
  };
  if (error) return <ErrorBox error={error} />;
  return (
    <>
      <PageTitle>Evidence locker</PageTitle>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(caseNumber.trim());
        }}
        novalidate
      >
        <Field label="Case number" error={exportErr}>
          {(a) => <input {...a} value={caseNumber} onInput={(e) => setCaseNumber(e.currentTarget.value)} />}
        </Field>
        <button type="submit" class="secondary">
          Show
        </button>
        <button type="button" onClick={exportCase}>
          Export case
        </button>
      </form>
      {progress !== undefined && <Progress value={progress} label="Export progress" />}
      {exported && (
        <Notice>
          {exported} (<a href="/api/v1/public/evidence-key">deployment.pub</a>)
        </Notice>
      )}
      {!data ? (
        <Loading />
      ) : (
        <table>
          <caption>{data.evidence.length} items, oldest first. Viewing or downloading is recorded in the chain of custody.</caption>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Case</th>
              <th scope="col">Recorded</th>
              <th scope="col">Shared</th>
              <th scope="col">Redaction</th>
              <th scope="col">Owner contact</th>
            </tr>
          </thead>
          <tbody>
            {data.evidence.map((x: Json) => (
              <tr key={x.id}>
                <td>
                  <Link href={`/evidence/${x.id}`}>{x.id}</Link>
                </td>
                <td>{x.case_number}</td>
                <td>
                  <Time t={x.recorded_from} />
                </td>
                <td>
                  <Time t={x.shared_at} />
                </td>
                <td>{[x.faces_blurred && "faces blurred", x.audio_muted && "audio muted"].filter(Boolean).join(", ") || "as recorded"}</td>
                <td>{x.owner_contact ? [x.owner_contact.name, x.owner_contact.phone, x.owner_contact.email].filter(Boolean).join(", ") : "withheld"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function EvidenceItem(props: { id: string }) {
  const { data, error, reload } = useLoad(() => get(`/api/v1/evidence/${props.id}`), [props.id]);
  const [play, setPlay] = useState(false);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const x = data;
  return (
    <>
      <PageTitle>{`Evidence ${x.id}`}</PageTitle>
      <dl class="facts">
        <dt>Case</dt>
        <dd>{x.case_number}</dd>
        <dt>Request</dt>
        <dd>
          <Link href={`/requests/${x.request_id}`}>{x.request_id}</Link>
        </dd>
        <dt>Recorded</dt>
        <dd>
          <Time t={x.recorded_from} /> to <Time t={x.recorded_to} />
        </dd>
        <dt>SHA-256</dt>
        <dd class="mono">{x.sha256}</dd>
        <dt>Size</dt>
        <dd>{(x.size_bytes / 1024).toFixed(0)} KiB, {x.container}</dd>
        <dt>Redaction</dt>
        <dd>{[x.faces_blurred && "faces blurred", x.audio_muted && "audio muted"].filter(Boolean).join(", ") || "as recorded"}</dd>
      </dl>
      <div class="row">
        <button
          onClick={() => {
            setPlay(true);
            setTimeout(reload, 1500);
          }}
        >
          Play (recorded as a view)
        </button>
        <a href={`/api/v1/evidence/${x.id}/content?download=1`} download>
          Download (recorded)
        </a>
      </div>
      {play && <video src={`/api/v1/evidence/${x.id}/content`} controls autoPlay aria-label="Evidence player" />}
      <h2>Chain of custody</h2>
      <ol class="custody">
        {x.custody.map((c: Json, i: number) => (
          <li key={i}>
            <Time t={c.at} />: {c.action} by {c.actor_role}
            {c.actor_id ? ` ${c.actor_id}` : " (identity withheld)"}
          </li>
        ))}
      </ol>
    </>
  );
}

const SCOPE_HINT = "Comma-separated ids";

export function NewEmergency() {
  const [f, setF] = useState({ case_number: "", attestation: "", signature: "", imminent: false, accounts: "", cameras: "", subscriber: true, content: false, from: "", to: "" });
  const [err, setErr] = useState<ApiError | null>(null);
  const [done, setDone] = useState<Json | null>(null);
  const list = (s: string) => s.split(/[\s,]+/).filter(Boolean);
  const submit = async (e: Event) => {
    e.preventDefault();
    setErr(null);
    try {
      const scope: Json = { subscriber: f.subscriber, content: f.content, account_ids: list(f.accounts), camera_ids: list(f.cameras) };
      if (f.from) scope.from = fromLocalInput(f.from);
      if (f.to) scope.to = fromLocalInput(f.to);
      setDone(
        await post("/api/v1/emergency-requests", {
          case_number: f.case_number,
          attestation: f.attestation,
          signature: f.signature,
          imminent_danger: f.imminent,
          scope,
        }),
      );
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  const fe = (n: string) => (err && err.fieldIn(["case_number", "attestation", "signature", "imminent_danger", "scope"]) === n ? err.message : undefined);
  if (done) return <Notice>Emergency request {done.id} filed; legal staff will review it now.</Notice>;
  return (
    <>
      <PageTitle>Emergency request</PageTitle>
      <p>Only for imminent danger of death or serious physical injury. Your attestation is committed word for word to the public audit log; legal process must follow within the deadline.</p>
      <form onSubmit={submit} novalidate class="narrow">
        <Field label="Case number" required error={fe("case_number")}>
          {(a) => <input {...a} value={f.case_number} onInput={(e) => setF({ ...f, case_number: e.currentTarget.value })} />}
        </Field>
        <Field label="Attestation" required error={fe("attestation")}>
          {(a) => <textarea {...a} rows={4} value={f.attestation} onInput={(e) => setF({ ...f, attestation: e.currentTarget.value })} />}
        </Field>
        <Field label="Signature (full name)" required error={fe("signature")}>
          {(a) => <input {...a} value={f.signature} onInput={(e) => setF({ ...f, signature: e.currentTarget.value })} />}
        </Field>
        <label>
          <input type="checkbox" checked={f.imminent} onChange={(e) => setF({ ...f, imminent: e.currentTarget.checked })} /> I attest to imminent danger of death or serious physical injury
        </label>
        {fe("imminent_danger") && <p class="field-error">{fe("imminent_danger")}</p>}
        <fieldset>
          <legend>Scope</legend>
          <label>
            <input type="checkbox" checked={f.subscriber} onChange={(e) => setF({ ...f, subscriber: e.currentTarget.checked })} /> Subscriber records
          </label>
          <label>
            <input type="checkbox" checked={f.content} onChange={(e) => setF({ ...f, content: e.currentTarget.checked })} /> Content (video, plate reads)
          </label>
          <Field label="Account ids" hint={SCOPE_HINT} error={fe("scope")}>
            {(a) => <input {...a} value={f.accounts} onInput={(e) => setF({ ...f, accounts: e.currentTarget.value })} />}
          </Field>
          <Field label="Camera ids" hint={SCOPE_HINT}>
            {(a) => <input {...a} value={f.cameras} onInput={(e) => setF({ ...f, cameras: e.currentTarget.value })} />}
          </Field>
          <Field label="Content from">{(a) => <input {...a} type="datetime-local" value={f.from} onInput={(e) => setF({ ...f, from: e.currentTarget.value })} />}</Field>
          <Field label="Content to">{(a) => <input {...a} type="datetime-local" value={f.to} onInput={(e) => setF({ ...f, to: e.currentTarget.value })} />}</Field>
        </fieldset>
        {err && !fe("case_number") && !fe("attestation") && !fe("signature") && !fe("imminent_danger") && !fe("scope") && <ErrorBox error={err} />}
        <button type="submit">File emergency request</button>
      </form>
    </>
  );
}

export function AgencyDemands() {
  const { data, error } = useLoad(() => get("/api/v1/legal/demands"));
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  return (
    <>
      <PageTitle>Legal demands of the agency</PageTitle>
      <p>
        <Link href="/emergency/new">File an emergency request</Link>
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Docket</th>
            <th scope="col">Case</th>
            <th scope="col">Status</th>
            <th scope="col">Received</th>
            <th scope="col">Legal process due</th>
          </tr>
        </thead>
        <tbody>
          {data.demands.map((d: Json) => (
            <tr key={d.id}>
              <td>{d.type.replace(/_/g, " ")}</td>
              <td>{d.docket_number}</td>
              <td>{d.case_number}</td>
              <td>
                <Status s={d.status} />
              </td>
              <td>
                <Time t={d.created_at} />
              </td>
              <td>
                <Time t={d.followup_due} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
