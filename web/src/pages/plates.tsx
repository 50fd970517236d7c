// Plate reads: search with the mandatory offense type and reason (results on a map and a
// timeline, with crops), hot-list hits to confirm or mark misread, hot lists, sharing
// agreements and readers.
import { useState } from "preact/hooks";
import { api, ApiError, get, Json, post, sendBytes } from "../api";
import { Timeline } from "../charts";
import { LatLng, MapView } from "../map";
import { Link } from "../router";
import { useSession } from "../session";
import { DecisionTable, ErrorBox, Field, fromLocalInput, Loading, Notice, PageTitle, Progress, Status, Time, toLocalInput, useLoad } from "../ui";

export const OFFENSE_TYPES = [
  "animal_cruelty", "arson", "assault", "bribery", "burglary", "counterfeiting_forgery", "destruction_vandalism", "drug_narcotic",
  "embezzlement", "extortion_blackmail", "fraud", "gambling", "homicide", "human_trafficking", "immigration_violation",
  "kidnapping_abduction", "larceny_theft", "motor_vehicle_theft", "pornography_obscene", "prostitution", "robbery", "sex_offense",
  "stolen_property", "weapon_law_violation", "bad_checks", "curfew_loitering_vagrancy", "disorderly_conduct", "dui",
  "family_offense_nonviolent", "liquor_law_violation", "peeping_tom", "trespass", "all_other_offenses", "missing_person", "wanted_person",
];

const SEARCH_FIELDS = ["mode", "plate", "from", "to", "offense_type", "reason", "case_number", "area", "limit"];
const RULE_FIELD: Record<string, string> = {
  offense_type_known: "offense_type",
  offense_not_prohibited: "offense_type",
  reason_specific: "reason",
  purpose_not_prohibited: "reason",
  case_number_given: "case_number",
};

export function Search() {
  const now = Date.now();
  const [f, setF] = useState({
    mode: "exact",
    plate: "",
    from: toLocalInput(new Date(now - 7 * 86400e3)),
    to: toLocalInput(new Date(now + 60e3)),
    offense_type: "",
    reason: "",
    case_number: "",
    useArea: false,
    radius_m: 2000,
  });
  const [center, setCenter] = useState<LatLng | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [err, setErr] = useState<ApiError | null>(null);
  const [result, setResult] = useState<Json | null>(null);
  const [busy, setBusy] = useState(false);
  const readers = useLoad(() => get("/api/v1/plates/readers"));
  const set = (k: string, v: unknown) => setF({ ...f, [k]: v });

  // Errors beside their fields: local checks, the server's 400s, and each failed policy rule.
  const fieldErrors: Record<string, string> = { ...local };
  if (err?.decision) {
    for (const r of err.decision.rules) {
      if (!r.passed && RULE_FIELD[r.rule] && !fieldErrors[RULE_FIELD[r.rule]]) fieldErrors[RULE_FIELD[r.rule]] = r.explanation;
    }
  } else if (err) {
    const name = err.fieldIn(SEARCH_FIELDS);
    if (name) fieldErrors[name] = err.message;
  }

  const submit = async (e: Event) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!f.plate.trim()) problems.plate = "Type a plate or a pattern";
    if (!f.offense_type) problems.offense_type = "Choose the offense type: every search needs one";
    setLocal(problems);
    setErr(null);
    setResult(null);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      const body: Json = {
        mode: f.mode,
        plate: f.plate,
        from: fromLocalInput(f.from),
        to: fromLocalInput(f.to),
        offense_type: f.offense_type,
        reason: f.reason,
        case_number: f.case_number || undefined,
      };
      if (f.useArea && center) body.area = { center, radius_m: Number(f.radius_m) };
      setResult(await post("/api/v1/plates/searches", body));
    } catch (e) {
      setErr(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const readerById = Object.fromEntries((readers.data?.readers ?? []).map((r: Json) => [r.id, r]));
  const hitsByReader: Record<string, number> = {};
  for (const r of result?.reads ?? []) hitsByReader[r.reader_id] = (hitsByReader[r.reader_id] ?? 0) + 1;
  return (
    <>
      <PageTitle>Plate search</PageTitle>
      <p>
        Every search needs an offense type and a specific reason, and is recorded in the public audit log, allowed or refused.
        Prohibited purposes (immigration enforcement, reproductive health care, lawful protest) are refused.
      </p>
      <form onSubmit={submit} novalidate>
        <div class="two">
          <div>
            <Field label="Plate" required error={fieldErrors.plate} hint="Exact: ABC1234. Wildcard: 7AB*, ?XY12?. Fuzzy: O/0, I/1, B/8... treated alike">
              {(a) => <input {...a} class="mono" value={f.plate} onInput={(e) => set("plate", e.currentTarget.value)} />}
            </Field>
            <Field label="Match" error={fieldErrors.mode}>
              {(a) => (
                <select {...a} value={f.mode} onChange={(e) => set("mode", e.currentTarget.value)}>
                  <option value="exact">exact</option>
                  <option value="wildcard">wildcard (* and ?)</option>
                  <option value="fuzzy">fuzzy (OCR confusions)</option>
                  <option value="fuzzy_edit">fuzzy, plus one edit</option>
                </select>
              )}
            </Field>
            <Field label="From" required error={fieldErrors.from}>
              {(a) => <input {...a} type="datetime-local" value={f.from} onInput={(e) => set("from", e.currentTarget.value)} />}
            </Field>
            <Field label="To" required error={fieldErrors.to}>
              {(a) => <input {...a} type="datetime-local" value={f.to} onInput={(e) => set("to", e.currentTarget.value)} />}
            </Field>
            <Field label="Offense type" required error={fieldErrors.offense_type}>
              {(a) => (
                <select {...a} value={f.offense_type} onChange={(e) => set("offense_type", e.currentTarget.value)}>
                  <option value="">Choose…</option>
                  {OFFENSE_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {t.replace(/_/g, " ")}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Reason" required error={fieldErrors.reason} hint="What happened and what is sought; 'investigation' is not a reason">
              {(a) => <textarea {...a} rows={3} value={f.reason} onInput={(e) => set("reason", e.currentTarget.value)} />}
            </Field>
            <Field label="Case number" error={fieldErrors.case_number} hint="Required by policy for every search">
              {(a) => <input {...a} value={f.case_number} onInput={(e) => set("case_number", e.currentTarget.value)} />}
            </Field>
            <label>
              <input type="checkbox" checked={f.useArea} onChange={(e) => set("useArea", e.currentTarget.checked)} /> Only readers in an area (click the map)
            </label>
            {f.useArea && (
              <Field label="Area radius (metres)" error={fieldErrors.area}>
                {(a) => <input {...a} type="number" min={1} max={500000} value={f.radius_m} onInput={(e) => set("radius_m", e.currentTarget.value)} />}
              </Field>
            )}
          </div>
          <MapView
            label="Readers and search results"
            points={(readers.data?.readers ?? []).map((r: Json) => ({
              ...r.location,
              label: `${r.name}${hitsByReader[r.id] ? `: ${hitsByReader[r.id]} reads found` : ""}`,
              color: hitsByReader[r.id] ? "#c0392b" : "#7f8c8d",
            }))}
            circles={f.useArea && center ? [{ center, radius_m: Number(f.radius_m) }] : []}
            onClick={(p) => f.useArea && setCenter(p)}
            height="420px"
          />
        </div>
        {err && (
          <div class="error-box" role="alert">
            <p>
              <strong>{err.decision ? "Search refused." : "Not searched."}</strong> {err.message}
            </p>
            {err.decision && <DecisionTable decision={err.decision} caption="Search policy" />}
          </div>
        )}
        <button type="submit" disabled={busy}>
          {busy ? "Searching…" : "Search"}
        </button>
      </form>
      {result && (
        <section aria-labelledby="results-head">
          <h2 id="results-head">
            {result.reads.length} reads{result.truncated ? " (more matched: narrow the search)" : ""}
          </h2>
          <p>
            Searched {result.readers_searched} readers of {result.agencies_searched} agencies.
          </p>
          {result.reads.length > 0 && (
            <Timeline
              title="Reads over the window"
              from={fromLocalInput(f.from)}
              to={fromLocalInput(f.to)}
              times={result.reads.map((r: Json) => ({ t: r.read_at, label: `${r.plate} ${r.state} at ${readerById[r.reader_id]?.name ?? r.reader_id}` }))}
            />
          )}
          <ul class="reads">
            {result.reads.map((r: Json) => (
              <li key={r.seq}>
                {r.crop && <img src={r.crop} alt={`Crop of plate ${r.plate}`} class="crop" loading="lazy" />}
                <div>
                  <strong class="mono">{r.plate}</strong> {r.state} · <Time t={r.read_at} /> · {readerById[r.reader_id]?.name ?? r.reader_id} ·{" "}
                  {Math.round(r.confidence * 100)}% · {[r.vehicle_color, r.vehicle_type, r.direction].filter(Boolean).join(" ")}
                </div>
              </li>
            ))}
          </ul>
          <DecisionTable decision={result.decision} caption="Search policy" />
        </section>
      )}
    </>
  );
}

export function Hits() {
  const { data, error, reload } = useLoad(() => get("/api/v1/plates/hits"));
  const [err, setErr] = useState<unknown>(null);
  const role = useSession().account?.role;
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const decide = async (id: string, status: string) => {
    setErr(null);
    try {
      await post(`/api/v1/plates/hits/${id}/decide`, { status });
      reload();
    } catch (e) {
      setErr(e);
    }
  };
  return (
    <>
      <PageTitle>Hot-list hits</PageTitle>
      <p>A hit is only a lead: check plate and state against the crop, then confirm or mark a misread. New hits also arrive live.</p>
      <ErrorBox error={err} />
      <ul class="reads">
        {data.hits.map((h: Json) => (
          <li key={h.id}>
            {h.read?.crop && <img src={h.read.crop} alt={`Crop of plate ${h.read.plate}`} class="crop" loading="lazy" />}
            <div>
              <p>
                <Status s={h.status} /> <strong>{h.kind}</strong>: read <code>{h.read?.plate ?? "(purged)"}</code> {h.read?.state} — listed{" "}
                <code>{h.entry.plate}</code> {h.entry.state ?? "any state"}: {h.entry.reason}
              </p>
              <p class="hint">
                <Time t={h.created_at} />
              </p>
              {h.status === "new" && role !== "agency_admin" && (
                <div class="row">
                  <button onClick={() => decide(h.id, "confirmed")}>Confirm plate and state</button>
                  <button class="secondary" onClick={() => decide(h.id, "misread")}>
                    Misread
                  </button>
                </div>
              )}
            </div>
          </li>
        ))}
      </ul>
      {data.hits.length === 0 && <p>No hits.</p>}
    </>
  );
}

export function HotLists() {
  const { data, error, reload } = useLoad(() => get("/api/v1/plates/hotlists"));
  const [name, setName] = useState("");
  const [err, setErr] = useState("");
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  return (
    <>
      <PageTitle>Hot lists</PageTitle>
      <ul class="cards">
        {data.hotlists.map((h: Json) => (
          <li key={h.id}>
            <Link href={`/plates/hotlists/${h.id}`}>{h.name}</Link> — {h.source}, version {h.version}, updated <Time t={h.updated_at} />
          </li>
        ))}
      </ul>
      {data.hotlists.length === 0 && <p>No hot lists yet.</p>}
      <form
        class="inline"
        novalidate
        onSubmit={async (e) => {
          e.preventDefault();
          setErr("");
          if (!name.trim()) return setErr("Give the list a name");
          try {
            await post("/api/v1/plates/hotlists", { name: name.trim() });
            setName("");
            reload();
          } catch (x) {
            setErr((x as ApiError).message);
          }
        }}
      >
        <Field label="New list name" error={err}>
          {(a) => <input {...a} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <button type="submit">Create list</button>
      </form>
    </>
  );
}

export function HotList(props: { id: string }) {
  const entries = useLoad(() => get(`/api/v1/plates/hotlists/${props.id}/entries`), [props.id]);
  const [f, setF] = useState({ plate: "", state: "", reason: "", notes: "", expires_at: "" });
  const [err, setErr] = useState<ApiError | null>(null);
  const [csv, setCsv] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [imported, setImported] = useState("");
  const [csvErr, setCsvErr] = useState("");
  if (entries.error) return <ErrorBox error={entries.error} />;
  if (!entries.data) return <Loading />;
  const fe = (n: string) => (err && err.fieldIn(["plate", "state", "reason", "source", "notes", "expires_at"]) === n ? err.message : undefined);
  const add = async (e: Event) => {
    e.preventDefault();
    setErr(null);
    try {
      await post(`/api/v1/plates/hotlists/${props.id}/entries`, {
        plate: f.plate,
        state: f.state || undefined,
        reason: f.reason,
        notes: f.notes || undefined,
        expires_at: f.expires_at ? fromLocalInput(f.expires_at) : undefined,
      });
      setF({ plate: "", state: "", reason: "", notes: "", expires_at: "" });
      entries.reload();
    } catch (x) {
      setErr(x as ApiError);
    }
  };
  const importCsv = async (e: Event) => {
    e.preventDefault();
    setCsvErr("");
    setImported("");
    if (!csv) return setCsvErr("Choose a CSV file");
    try {
      setProgress(0);
      const r = await sendBytes("PUT", `/api/v1/plates/hotlists/${props.id}/csv`, csv, setProgress, { "Content-Type": "text/csv" });
      setImported(`${r.entries} entries now; ${r.skipped.length} expired rows skipped.`);
      entries.reload();
    } catch (x) {
      setCsvErr((x as Error).message);
      setProgress(null);
    }
  };
  return (
    <>
      <PageTitle>Hot list</PageTitle>
      <table>
        <thead>
          <tr>
            <th scope="col">Plate</th>
            <th scope="col">State</th>
            <th scope="col">Reason</th>
            <th scope="col">Source</th>
            <th scope="col">Expires</th>
            <th scope="col">Notes</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {entries.data.entries.map((x: Json) => (
            <tr key={x.id}>
              <td class="mono">{x.plate}</td>
              <td>{x.state ?? "any"}</td>
              <td>{x.reason}</td>
              <td>{x.source}</td>
              <td>
                <Time t={x.expires_at} />
              </td>
              <td>{x.notes}</td>
              <td>
                <button
                  class="link danger"
                  onClick={async () => {
                    await api("DELETE", `/api/v1/plates/hotlists/${props.id}/entries/${x.id}`);
                    entries.reload();
                  }}
                >
                  Remove {x.plate}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Add an entry</h2>
      <form onSubmit={add} novalidate class="grid">
        <Field label="Plate" required error={fe("plate")}>
          {(a) => <input {...a} value={f.plate} onInput={(e) => setF({ ...f, plate: e.currentTarget.value })} />}
        </Field>
        <Field label="State" error={fe("state")} hint="Two letters; empty: any state">
          {(a) => <input {...a} maxLength={2} value={f.state} onInput={(e) => setF({ ...f, state: e.currentTarget.value.toUpperCase() })} />}
        </Field>
        <Field label="Reason" required error={fe("reason")} hint="Shown in every alert">
          {(a) => <input {...a} value={f.reason} onInput={(e) => setF({ ...f, reason: e.currentTarget.value })} />}
        </Field>
        <Field label="Notes" error={fe("notes")}>
          {(a) => <input {...a} value={f.notes} onInput={(e) => setF({ ...f, notes: e.currentTarget.value })} />}
        </Field>
        <Field label="Expires" error={fe("expires_at")}>
          {(a) => <input {...a} type="datetime-local" value={f.expires_at} onInput={(e) => setF({ ...f, expires_at: e.currentTarget.value })} />}
        </Field>
        {err && !fe("plate") && !fe("state") && !fe("reason") && !fe("notes") && !fe("expires_at") && <ErrorBox error={err} />}
        <button type="submit">Add entry</button>
      </form>
      <h2>Replace with a CSV import</h2>
      <form onSubmit={importCsv} novalidate>
        <Field label="CSV file" error={csvErr} hint="Header: plate,state,reason,source,expires,notes. Replaces every entry at once.">
          {(a) => <input {...a} type="file" accept=".csv,text/csv" onChange={(e) => setCsv(e.currentTarget.files?.[0] ?? null)} />}
        </Field>
        <button type="submit">Import</button>
        {progress !== null && <Progress value={progress} label="Import upload progress" />}
        {imported && <Notice>{imported}</Notice>}
      </form>
    </>
  );
}

export function Agreements() {
  const { data, error, reload } = useLoad(() => get("/api/v1/plates/agreements"));
  const session = useSession();
  const [f, setF] = useState({ scope: "agency", to_agency_id: "", states: "", distance_m: "" });
  const [err, setErr] = useState<ApiError | null>(null);
  const isAdmin = session.account?.role === "agency_admin";
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const submit = async (e: Event) => {
    e.preventDefault();
    setErr(null);
    try {
      const body: Json = { scope: f.scope };
      if (f.scope === "agency") body.to_agency_id = f.to_agency_id.trim();
      if (f.scope === "states") body.states = f.states.split(/[\s,]+/).filter(Boolean);
      if (f.scope === "distance") body.distance_m = Number(f.distance_m);
      await post("/api/v1/plates/agreements", body);
      reload();
    } catch (x) {
      setErr(x as ApiError);
    }
  };
  const fe = (n: string) => (err && err.fieldIn(["scope", "to_agency_id", "states", "distance_m"]) === n ? err.message : undefined);
  const mine = session.agency?.id;
  return (
    <>
      <PageTitle>Sharing agreements</PageTitle>
      <p>Other agencies search your agency's plate reads only through these agreements. State law is checked again at every use.</p>
      <table>
        <thead>
          <tr>
            <th scope="col">Agreement</th>
            <th scope="col">Made by</th>
            <th scope="col">Reaches</th>
            <th scope="col">Since</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {data.agreements.map((g: Json) => (
            <tr key={g.id}>
              <td class="mono">{g.id}</td>
              <td>{g.from_agency_id === mine ? "us" : g.from_agency_id}</td>
              <td>
                {g.scope === "agency" && `agency ${g.to_agency_id}`}
                {g.scope === "in_state" && "every non-federal agency in our state"}
                {g.scope === "states" && `agencies of ${g.states.join(", ")}`}
                {g.scope === "distance" && `agencies within ${g.distance_m} m`}
              </td>
              <td>
                <Time t={g.created_at} />
              </td>
              <td>
                {isAdmin && g.from_agency_id === mine && (
                  <button
                    class="link danger"
                    onClick={async () => {
                      if (!confirm("Revoke this agreement? It stops reaching anyone at once.")) return;
                      await api("DELETE", `/api/v1/plates/agreements/${g.id}`);
                      reload();
                    }}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data.agreements.length === 0 && <p>No agreements: only your own agency searches its reads.</p>}
      {isAdmin && (
        <>
          <h2>New agreement</h2>
          <form onSubmit={submit} novalidate class="narrow">
            <Field label="Scope" error={fe("scope")}>
              {(a) => (
                <select {...a} value={f.scope} onChange={(e) => setF({ ...f, scope: e.currentTarget.value })}>
                  <option value="agency">one agency</option>
                  <option value="in_state">every agency in our state</option>
                  <option value="states">agencies of named states</option>
                  <option value="distance">agencies within a distance</option>
                </select>
              )}
            </Field>
            {f.scope === "agency" && (
              <Field label="Agency id" required error={fe("to_agency_id")}>
                {(a) => <input {...a} class="mono" value={f.to_agency_id} onInput={(e) => setF({ ...f, to_agency_id: e.currentTarget.value })} />}
              </Field>
            )}
            {f.scope === "states" && (
              <Field label="States" required error={fe("states")} hint="Two-letter codes, comma-separated">
                {(a) => <input {...a} value={f.states} onInput={(e) => setF({ ...f, states: e.currentTarget.value.toUpperCase() })} />}
              </Field>
            )}
            {f.scope === "distance" && (
              <Field label="Distance (metres)" required error={fe("distance_m")}>
                {(a) => <input {...a} type="number" value={f.distance_m} onInput={(e) => setF({ ...f, distance_m: e.currentTarget.value })} />}
              </Field>
            )}
            {err && !fe("scope") && !fe("to_agency_id") && !fe("states") && !fe("distance_m") && <ErrorBox error={err} />}
            <button type="submit">Make agreement</button>
          </form>
        </>
      )}
    </>
  );
}

export function Readers() {
  const { data, error, reload } = useLoad(() => get("/api/v1/plates/readers"));
  const session = useSession();
  const [f, setF] = useState({ name: "", bearing_deg: "" });
  const [loc, setLoc] = useState<LatLng | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  const [token, setToken] = useState("");
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const isAdmin = session.account?.role === "agency_admin";
  const fe = (n: string) => (err && err.fieldIn(["name", "location", "bearing_deg"]) === n ? err.message : undefined);
  return (
    <>
      <PageTitle>Plate readers</PageTitle>
      <MapView label="Map of the agency's readers" fit points={data.readers.map((r: Json) => ({ ...r.location, label: r.name }))} height="260px" />
      <table>
        <thead>
          <tr>
            <th scope="col">Reader</th>
            <th scope="col">Reads</th>
            <th scope="col">Misreads</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {data.readers.map((r: Json) => (
            <tr key={r.id}>
              <td>{r.name}</td>
              <td>{r.reads_total}</td>
              <td>{r.misreads_total}</td>
              <td>
                <Time t={r.last_seen_at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {isAdmin && (
        <>
          <h2>Register a reader</h2>
          <form
            novalidate
            onSubmit={async (e) => {
              e.preventDefault();
              setErr(null);
              try {
                const r = await post("/api/v1/plates/readers", {
                  name: f.name,
                  location: loc,
                  bearing_deg: f.bearing_deg === "" ? undefined : Number(f.bearing_deg),
                });
                setToken(r.device_token);
                reload();
              } catch (x) {
                setErr(x as ApiError);
              }
            }}
          >
            <div class="two">
              <div>
                <Field label="Name" required error={fe("name")}>
                  {(a) => <input {...a} value={f.name} onInput={(e) => setF({ ...f, name: e.currentTarget.value })} />}
                </Field>
                <Field label="Bearing" error={fe("bearing_deg")}>
                  {(a) => <input {...a} type="number" value={f.bearing_deg} onInput={(e) => setF({ ...f, bearing_deg: e.currentTarget.value })} />}
                </Field>
                <p>{loc ? `At ${loc.lat.toFixed(5)}, ${loc.lng.toFixed(5)}` : "Click the map where it stands."}</p>
                {fe("location") && <p class="field-error">{fe("location")}</p>}
                {err && !fe("name") && !fe("location") && !fe("bearing_deg") && <ErrorBox error={err} />}
                <button type="submit">Register</button>
              </div>
              <MapView label="Click where the reader stands" points={loc ? [{ ...loc }] : []} onClick={setLoc} height="280px" />
            </div>
          </form>
          {token && (
            <Notice>
              Reader token (shown once; install it in the reader): <code class="token">{token}</code>
            </Notice>
          )}
        </>
      )}
    </>
  );
}
