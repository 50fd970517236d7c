// Legal staff: demand intake with documents, review (accept, narrow, reject), notices and their
// timers, productions, and legal holds.
import { useState } from "preact/hooks";
import { ApiError, download, get, Json, post, qs, saveBlob, sendBytes } from "../api";
import { Link, navigate } from "../router";
import { AgencySelect, ErrorBox, Field, fromLocalInput, Loading, Notice, PageTitle, Progress, relative, Status, Time, useLoad } from "../ui";

const TYPES = ["subpoena", "court_order", "search_warrant", "preservation"];

interface ScopeDraft {
  subscriber: boolean;
  content: boolean;
  accounts: string;
  cameras: string;
  plates: string;
  from: string;
  to: string;
}
const emptyScope = (): ScopeDraft => ({ subscriber: false, content: false, accounts: "", cameras: "", plates: "", from: "", to: "" });
const list = (s: string) => s.split(/[\s,]+/).filter(Boolean);
function scopeBody(s: ScopeDraft): Json {
  const o: Json = { subscriber: s.subscriber, content: s.content, account_ids: list(s.accounts), camera_ids: list(s.cameras), plates: list(s.plates) };
  if (s.from) o.from = fromLocalInput(s.from);
  if (s.to) o.to = fromLocalInput(s.to);
  return o;
}
function draftOf(s: Json): ScopeDraft {
  const local = (t: string | null) => (t ? new Date(new Date(t).getTime() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16) : "");
  return {
    subscriber: s.subscriber,
    content: s.content,
    accounts: s.account_ids.join(", "),
    cameras: s.camera_ids.join(", "),
    plates: s.plates.join(", "),
    from: local(s.from),
    to: local(s.to),
  };
}

function ScopeFields(props: { legend: string; value: ScopeDraft; onChange: (s: ScopeDraft) => void; error?: string }) {
  const s = props.value;
  const set = (k: keyof ScopeDraft, v: unknown) => props.onChange({ ...s, [k]: v });
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      <label>
        <input type="checkbox" checked={s.subscriber} onChange={(e) => set("subscriber", e.currentTarget.checked)} /> Subscriber records (accounts, cameras)
      </label>
      <label>
        <input type="checkbox" checked={s.content} onChange={(e) => set("content", e.currentTarget.checked)} /> Content (clips, plate reads, crops): needs a warrant
      </label>
      <Field label="Account ids" hint="acc_..., comma-separated">
        {(a) => <input {...a} class="mono" value={s.accounts} onInput={(e) => set("accounts", e.currentTarget.value)} />}
      </Field>
      <Field label="Camera or reader ids" hint="cam_... or lpr_..., comma-separated">
        {(a) => <input {...a} class="mono" value={s.cameras} onInput={(e) => set("cameras", e.currentTarget.value)} />}
      </Field>
      <Field label="Plates" hint="comma-separated">
        {(a) => <input {...a} class="mono" value={s.plates} onInput={(e) => set("plates", e.currentTarget.value)} />}
      </Field>
      <div class="two">
        <Field label="From">{(a) => <input {...a} type="datetime-local" value={s.from} onInput={(e) => set("from", e.currentTarget.value)} />}</Field>
        <Field label="To">{(a) => <input {...a} type="datetime-local" value={s.to} onInput={(e) => set("to", e.currentTarget.value)} />}</Field>
      </div>
      {props.error && (
        <p class="field-error" role="alert">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}

export function Demands() {
  const [type, setType] = useState("");
  const { data, error } = useLoad(() => get("/api/v1/legal/demands" + qs({ type, limit: 500 })), [type]);
  if (error) return <ErrorBox error={error} />;
  return (
    <>
      <PageTitle>Legal demands</PageTitle>
      <p>
        <Link href="/legal/demands/new" class="button">
          Record a demand
        </Link>
      </p>
      <Field label="Type">
        {(a) => (
          <select {...a} value={type} onChange={(e) => setType(e.currentTarget.value)}>
            <option value="">All</option>
            {[...TYPES, "emergency"].map((t) => (
              <option key={t} value={t}>
                {t.replace(/_/g, " ")}
              </option>
            ))}
          </select>
        )}
      </Field>
      {!data ? (
        <Loading />
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Docket</th>
              <th scope="col">Type</th>
              <th scope="col">Issued by</th>
              <th scope="col">Status</th>
              <th scope="col">Received</th>
              <th scope="col">Notices</th>
            </tr>
          </thead>
          <tbody>
            {data.demands.map((d: Json) => (
              <tr key={d.id}>
                <td>
                  <Link href={`/legal/demands/${d.id}`}>{d.docket_number || d.case_number || d.id}</Link>
                </td>
                <td>{d.type.replace(/_/g, " ")}</td>
                <td>{d.issuing_authority}</td>
                <td>
                  <Status s={d.status} />
                  {d.narrowed && " (narrowed)"}
                </td>
                <td>
                  <Time t={d.created_at} />
                </td>
                <td>
                  {(d.notices ?? []).filter((n: Json) => n.status === "sent").length} sent,{" "}
                  {(d.notices ?? []).filter((n: Json) => n.status !== "sent").length} owed
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

const DEMAND_FIELDS = ["type", "agency_id", "issuing_authority", "docket_number", "case_number", "issued_at", "nondisclosure_until", "scope", "authorized"];

export function NewDemand() {
  const [f, setF] = useState({ type: "subpoena", agency_id: "", issuing_authority: "", docket_number: "", case_number: "", issued_at: "", nondisclosure_until: "" });
  const [scope, setScope] = useState<ScopeDraft>(emptyScope());
  const [sameAuthorized, setSame] = useState(true);
  const [authorized, setAuthorized] = useState<ScopeDraft>(emptyScope());
  const [pdf, setPdf] = useState<File | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [progress, setProgress] = useState<number | null>(null);
  const set = (k: string, v: string) => setF({ ...f, [k]: v });
  const fe = (n: string) => local[n] ?? (err && err.fieldIn(DEMAND_FIELDS) === n ? err.message : undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!f.agency_id) problems.agency_id = "Choose the requesting agency";
    if (!f.issuing_authority.trim()) problems.issuing_authority = "Who issued it (court, prosecutor)";
    if (pdf && !pdf.name.toLowerCase().endsWith(".pdf")) problems.document = "The document must be a PDF";
    setLocal(problems);
    if (Object.keys(problems).length) return;
    setErr(null);
    try {
      const d = await post("/api/v1/legal/demands", {
        type: f.type,
        agency_id: f.agency_id,
        issuing_authority: f.issuing_authority,
        docket_number: f.docket_number,
        case_number: f.case_number || undefined,
        issued_at: f.issued_at ? fromLocalInput(f.issued_at) : undefined,
        nondisclosure_until: f.nondisclosure_until ? fromLocalInput(f.nondisclosure_until) : undefined,
        scope: scopeBody(scope),
        authorized: scopeBody(sameAuthorized ? scope : authorized),
      });
      if (pdf) {
        setProgress(0);
        await sendBytes("POST", `/api/v1/legal/demands/${d.id}/documents?filename=${encodeURIComponent(pdf.name)}`, pdf, setProgress, {
          "Content-Type": "application/pdf",
        });
      }
      navigate(`/legal/demands/${d.id}`);
    } catch (x) {
      setErr(x as ApiError);
    }
  };
  const unplaced = err && !DEMAND_FIELDS.some((n) => fe(n));
  return (
    <>
      <PageTitle>Record a legal demand</PageTitle>
      <form onSubmit={submit} novalidate>
        <div class="two">
          <div>
            <Field label="Type" required error={fe("type")}>
              {(a) => (
                <select {...a} value={f.type} onChange={(e) => set("type", e.currentTarget.value)}>
                  {TYPES.map((t) => (
                    <option key={t} value={t}>
                      {t.replace(/_/g, " ")}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Requesting agency" required error={fe("agency_id")}>
              {(a) => <AgencySelect attrs={a} value={f.agency_id} onChange={(v) => set("agency_id", v)} empty="Choose…" />}
            </Field>
            <Field label="Issuing authority" required error={fe("issuing_authority")}>
              {(a) => <input {...a} value={f.issuing_authority} onInput={(e) => set("issuing_authority", e.currentTarget.value)} />}
            </Field>
            <Field label="Docket number" error={fe("docket_number")}>
              {(a) => <input {...a} value={f.docket_number} onInput={(e) => set("docket_number", e.currentTarget.value)} />}
            </Field>
            <Field label="Agency case number" error={fe("case_number")}>
              {(a) => <input {...a} value={f.case_number} onInput={(e) => set("case_number", e.currentTarget.value)} />}
            </Field>
            <Field label="Issued" error={fe("issued_at")}>
              {(a) => <input {...a} type="datetime-local" value={f.issued_at} onInput={(e) => set("issued_at", e.currentTarget.value)} />}
            </Field>
            <Field label="Non-disclosure order until" error={fe("nondisclosure_until")} hint="Owners are told when it ends; empty: told at acceptance">
              {(a) => <input {...a} type="datetime-local" value={f.nondisclosure_until} onInput={(e) => set("nondisclosure_until", e.currentTarget.value)} />}
            </Field>
            <Field label="Document (PDF)" error={local.document} hint="The subpoena, warrant or order itself">
              {(a) => <input {...a} type="file" accept="application/pdf,.pdf" onChange={(e) => setPdf(e.currentTarget.files?.[0] ?? null)} />}
            </Field>
            {progress !== null && <Progress value={progress} label="Document upload" />}
          </div>
          <div>
            <ScopeFields legend="What it asks for" value={scope} onChange={setScope} error={fe("scope")} />
            <label>
              <input type="checkbox" checked={sameAuthorized} onChange={(e) => setSame(e.currentTarget.checked)} /> The documents allow exactly what it asks
            </label>
            {!sameAuthorized && <ScopeFields legend="What the documents allow" value={authorized} onChange={setAuthorized} error={fe("authorized")} />}
          </div>
        </div>
        {unplaced && <ErrorBox error={err} />}
        <button type="submit">Record demand</button>
      </form>
    </>
  );
}

function Documents(props: { demand: Json; onChange: () => void }) {
  const [pdf, setPdf] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [err, setErr] = useState("");
  return (
    <section aria-labelledby="docs-head">
      <h2 id="docs-head">Documents</h2>
      <ul>
        {props.demand.documents.map((d: Json) => (
          <li key={d.id}>
            <a href={`/api/v1/legal/demands/${props.demand.id}/documents/${d.id}`} download>
              {d.filename}
            </a>{" "}
            ({(d.size_bytes / 1024).toFixed(0)} KiB, SHA-256 <span class="mono">{d.sha256.slice(0, 16)}…</span>), <Time t={d.uploaded_at} />
          </li>
        ))}
        {props.demand.documents.length === 0 && <li>None yet.</li>}
      </ul>
      <form
        class="inline"
        novalidate
        onSubmit={async (e) => {
          e.preventDefault();
          setErr("");
          if (!pdf) return setErr("Choose a PDF");
          try {
            setProgress(0);
            await sendBytes("POST", `/api/v1/legal/demands/${props.demand.id}/documents?filename=${encodeURIComponent(pdf.name)}`, pdf, setProgress, {
              "Content-Type": "application/pdf",
            });
            props.onChange();
          } catch (x) {
            setErr((x as Error).message);
            setProgress(null);
          }
        }}
      >
        <Field label="Add a PDF" error={err}>
          {(a) => <input {...a} type="file" accept="application/pdf,.pdf" onChange={(e) => setPdf(e.currentTarget.files?.[0] ?? null)} />}
        </Field>
        <button type="submit">Upload</button>
        {progress !== null && <Progress value={progress} label="Document upload" />}
      </form>
    </section>
  );
}

function ScopeText(props: { s: Json }) {
  const s = props.s;
  return (
    <span>
      {[s.subscriber && "subscriber records", s.content && "content"].filter(Boolean).join(" and ") || "nothing"}
      {s.account_ids.length > 0 && `; accounts ${s.account_ids.join(", ")}`}
      {s.camera_ids.length > 0 && `; cameras ${s.camera_ids.join(", ")}`}
      {s.plates.length > 0 && `; plates ${s.plates.join(", ")}`}
      {s.from && (
        <>
          ; <Time t={s.from} /> to <Time t={s.to} />
        </>
      )}
    </span>
  );
}

export function DemandDetail(props: { id: string }) {
  const { data, error, reload } = useLoad(() => get(`/api/v1/legal/demands/${props.id}`), [props.id]);
  const [outcome, setOutcome] = useState("accept");
  const [reason, setReason] = useState("");
  const [narrow, setNarrow] = useState<ScopeDraft | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  const [prodErr, setProdErr] = useState<unknown>(null);
  const [progress, setProgress] = useState<number | null | undefined>(undefined);
  const [followup, setFollowup] = useState("");
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const d = data;
  const decide = async (e: Event) => {
    e.preventDefault();
    setErr(null);
    if (!reason.trim()) {
      setErr(new ApiError(400, "INVALID_ARGUMENT", "reason: give the reason for the decision"));
      return;
    }
    try {
      const body: Json = { outcome, reason };
      if (outcome === "narrow") body.scope = scopeBody(narrow ?? draftOf(d.scope));
      await post(`/api/v1/legal/demands/${d.id}/decision`, body);
      reload();
    } catch (x) {
      setErr(x as ApiError);
    }
  };
  const produce = async () => {
    setProdErr(null);
    try {
      await post(`/api/v1/legal/demands/${d.id}/production`);
      reload();
    } catch (x) {
      setProdErr(x);
    }
  };
  const fetchProduction = async () => {
    setProdErr(null);
    try {
      const { blob, filename } = await download("GET", `/api/v1/legal/demands/${d.id}/production`, undefined, setProgress);
      saveBlob(blob, filename);
    } catch (x) {
      setProdErr(x);
      setProgress(undefined);
    }
  };
  return (
    <>
      <PageTitle>{`${d.type.replace(/_/g, " ")} ${d.docket_number || d.id}`}</PageTitle>
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <Status s={d.status} /> {d.narrowed && "(narrowed)"}
        </dd>
        <dt>Issued by</dt>
        <dd>{d.issuing_authority}</dd>
        <dt>Agency</dt>
        <dd>
          {d.agency_id}, case {d.case_number || "—"}
        </dd>
        <dt>Received</dt>
        <dd>
          <Time t={d.created_at} />
        </dd>
        <dt>Asks for</dt>
        <dd>
          <ScopeText s={d.scope} />
        </dd>
        <dt>Documents allow</dt>
        <dd>
          <ScopeText s={d.authorized} />
        </dd>
        {d.decided && (
          <>
            <dt>Accepted scope</dt>
            <dd>
              <ScopeText s={d.decided} />
            </dd>
          </>
        )}
        {d.decision_reason && (
          <>
            <dt>Decision</dt>
            <dd>
              {d.decision_reason} (<Time t={d.decided_at} />)
            </dd>
          </>
        )}
        {d.nondisclosure_until && (
          <>
            <dt>Non-disclosure order</dt>
            <dd>
              until <Time t={d.nondisclosure_until} /> ({relative(d.nondisclosure_until)})
            </dd>
          </>
        )}
        <dt>Users affected</dt>
        <dd>{d.users_affected}</dd>
        {d.type === "emergency" && (
          <>
            <dt>Attestation</dt>
            <dd>
              “{d.attestation}” — {d.signature}, <Time t={d.attested_at} />
            </dd>
            <dt>Legal process due</dt>
            <dd>
              <Time t={d.followup_due} /> {d.followup_due && `(${relative(d.followup_due)})`}
              {d.followup_demand_id && `; followed by ${d.followup_demand_id}`}
              {d.flagged_at && (
                <strong class="bad">
                  {" "}
                  flagged <Time t={d.flagged_at} />
                </strong>
              )}
            </dd>
          </>
        )}
      </dl>
      <Documents demand={d} onChange={reload} />
      {d.status === "recorded" && (
        <section class="panel" aria-labelledby="decide-head">
          <h2 id="decide-head">Decide</h2>
          <form onSubmit={decide} novalidate>
            <fieldset>
              <legend>Outcome</legend>
              {["accept", "narrow", "reject"].map((o) => (
                <label key={o}>
                  <input type="radio" name="outcome" value={o} checked={outcome === o} onChange={() => setOutcome(o)} /> {o}
                </label>
              ))}
            </fieldset>
            {outcome === "narrow" && <ScopeFields legend="Narrowed scope" value={narrow ?? draftOf(d.scope)} onChange={setNarrow} />}
            <Field label="Reason" required error={err?.message} hint="Recorded with the decision and shown to the agency">
              {(a) => <textarea {...a} rows={3} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
            </Field>
            <button type="submit">Record decision</button>
          </form>
        </section>
      )}
      <section aria-labelledby="notices-head">
        <h2 id="notices-head">Notices to owners</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Status</th>
              <th scope="col">Due</th>
              <th scope="col">Sent</th>
            </tr>
          </thead>
          <tbody>
            {d.notices.map((n: Json) => (
              <tr key={n.account_id}>
                <td class="mono">{n.account_id}</td>
                <td>
                  <Status s={n.status} />
                </td>
                <td>
                  <Time t={n.due_at} /> {n.status !== "sent" && n.due_at && `(${relative(n.due_at)})`}
                </td>
                <td>
                  <Time t={n.sent_at} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {d.notices.length === 0 && <p>No owner is owed a notice.</p>}
      </section>
      {(d.status === "accepted" || d.status === "produced") && d.type !== "preservation" && (
        <section aria-labelledby="prod-head">
          <h2 id="prod-head">Production</h2>
          {d.production ? (
            <>
              <p>
                {d.production.name}: {d.production.items} items, {d.production.withheld} withheld (end-to-end encrypted). SHA-256{" "}
                <span class="mono">{d.production.sha256}</span>
              </p>
              <button onClick={fetchProduction}>Download production</button>
              {progress !== undefined && <Progress value={progress} label="Production download" />}
            </>
          ) : (
            <button onClick={produce}>Build production</button>
          )}
          <ErrorBox error={prodErr} />
        </section>
      )}
      {d.type === "emergency" && !d.followup_demand_id && (
        <form
          class="inline"
          novalidate
          onSubmit={async (e) => {
            e.preventDefault();
            setProdErr(null);
            try {
              await post(`/api/v1/legal/demands/${d.id}/followup`, { demand_id: followup.trim() });
              reload();
            } catch (x) {
              setProdErr(x);
            }
          }}
        >
          <Field label="Followed by legal process (demand id)">
            {(a) => <input {...a} class="mono" value={followup} onInput={(e) => setFollowup(e.currentTarget.value)} />}
          </Field>
          <button type="submit">Link</button>
        </form>
      )}
    </>
  );
}

export function Holds() {
  const [active, setActive] = useState(true);
  const { data, error, reload } = useLoad(() => get("/api/v1/holds" + (active ? "?active=true" : "")), [active]);
  const [err, setErr] = useState<unknown>(null);
  const [done, setDone] = useState("");
  if (error) return <ErrorBox error={error} />;
  const act = async (id: string, what: string) => {
    setErr(null);
    setDone("");
    try {
      await post(`/api/v1/holds/${id}/${what}`, {});
      setDone(`Hold ${id} ${what === "renew" ? "renewed" : "released"}.`);
      reload();
    } catch (x) {
      setErr(x);
    }
  };
  return (
    <>
      <PageTitle>Legal holds</PageTitle>
      <p>Holds keep clips and plate reads past their retention. Preservation holds expire and may be renewed; demand holds last until released.</p>
      <label>
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} /> Only holds in force
      </label>
      <ErrorBox error={err} />
      {done && <Notice>{done}</Notice>}
      {!data ? (
        <Loading />
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Hold</th>
              <th scope="col">Reason</th>
              <th scope="col">Status</th>
              <th scope="col">Scope</th>
              <th scope="col">Placed</th>
              <th scope="col">Expires</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {data.holds.map((h: Json) => (
              <tr key={h.id}>
                <td>
                  <span class="mono">{h.id}</span>
                  <br />
                  <Link href={`/legal/demands/${h.demand_id}`}>demand</Link>
                </td>
                <td>{h.reason}</td>
                <td>
                  <Status s={h.status} />
                </td>
                <td>
                  {[...h.scope.account_ids, ...h.scope.camera_ids, ...h.scope.plates].join(", ") || "—"}
                  {h.scope.from && (
                    <>
                      {" "}
                      from <Time t={h.scope.from} />
                    </>
                  )}
                  {h.scope.to && (
                    <>
                      {" "}
                      to <Time t={h.scope.to} />
                    </>
                  )}
                </td>
                <td>
                  <Time t={h.placed_at} />
                </td>
                <td>
                  {h.expires_at ? (
                    <>
                      <Time t={h.expires_at} /> ({relative(h.expires_at)}), {h.renewals_left} renewals left
                    </>
                  ) : (
                    "until released"
                  )}
                </td>
                <td class="row">
                  {h.status === "active" && h.reason === "preservation" && h.renewals_left > 0 && <button onClick={() => act(h.id, "renew")}>Renew</button>}
                  {h.status === "active" && (
                    <button class="secondary" onClick={() => confirm("Release this hold?") && act(h.id, "release")}>
                      Release
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
