// The public pages: no sign-in. The feed of footage requests on a map, transparency reports
// with charts, agency portals (plate-read transparency + the agency's report), emergency
// disclosures.
import { useState } from "preact/hooks";
import { get, Json, qs } from "../api";
import { Bar, BarChart } from "../charts";
import { MapView } from "../map";
import { Link, navigate, query } from "../router";
import { useSession } from "../session";
import { AgencySelect, Count, ErrorBox, Field, Loading, PageTitle, Status, Time, useLoad } from "../ui";

export function Home() {
  const s = useSession();
  return (
    <>
      <PageTitle>Canvass</PageTitle>
      <p class="lead">
        Police ask for footage by place and time; camera owners decide clip by clip; every search and disclosure lands in a
        public, verifiable log.
      </p>
      {!s.account && (
        <p>
          <Link href="/login" class="button">
            Sign in
          </Link>{" "}
          or read what the public may see:
        </p>
      )}
      <ul class="cards">
        <li>
          <Link href="/public/requests">Requests feed</Link>: every footage request opened to owners, on a map.
        </li>
        <li>
          <Link href="/public/reports">Transparency reports</Link>: counted from the audit log.
        </li>
        <li>
          <Link href="/public/agencies">Agencies</Link>: plate readers, searches by offense, sharing agreements.
        </li>
        <li>
          <Link href="/public/emergencies">Emergency disclosures</Link> and whether legal process followed.
        </li>
        <li>
          <Link href="/audit">Audit log</Link>: the signed checkpoint, the leaves, checked in this page.
        </li>
      </ul>
    </>
  );
}

export function countsText(c: Json): string {
  return `${c.cameras_notified} cameras asked, ${c.owners_shared} owners shared, ${c.clips_shared} clips`;
}

export function Feed() {
  const { data, error } = useLoad(() => get("/api/v1/public/requests?limit=200"));
  const [selected, setSelected] = useState("");
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const reqs: Json[] = data.requests;
  return (
    <>
      <PageTitle>Public requests feed</PageTitle>
      <p>
        Every footage request that was opened to camera owners. Places are rounded to about 100 m and radii up to the next
        100 m; answers are counts only.
      </p>
      <MapView
        label="Map of the requests"
        fit
        circles={reqs.map((r) => ({
          center: r.area.center,
          radius_m: r.area.radius_m,
          label: `${r.incident_type.replace(/_/g, " ")} (${r.status})`,
          color: r.id === selected ? "#c0392b" : "#1d4e89",
        }))}
      />
      <table>
        <caption>{reqs.length} requests, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Filed</th>
            <th scope="col">Agency</th>
            <th scope="col">Incident</th>
            <th scope="col">Description</th>
            <th scope="col">Status</th>
            <th scope="col">Answers</th>
          </tr>
        </thead>
        <tbody>
          {reqs.map((r) => (
            <tr key={r.id} onMouseEnter={() => setSelected(r.id)}>
              <td>
                <Time t={r.created_at} />
              </td>
              <td>{r.agency}</td>
              <td>{r.incident_type.replace(/_/g, " ")}</td>
              <td>{r.description}</td>
              <td>
                <Status s={r.status} />
              </td>
              <td>{countsText(r.counts)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function currentQuarter(): string {
  const d = new Date();
  return `${d.getUTCFullYear()}Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

const GROUPS: [string, string][] = [
  ["requests.", "Footage requests"],
  ["demands.", "Legal demands"],
  ["emergencies.", "Emergency disclosures"],
  ["plates.searches.", "Plate searches by offense type"],
  ["plates.", "Plate reads and hits"],
  ["agreements.", "Sharing agreements"],
  ["deletions.", "Deletions"],
];

export function ReportView(props: { period: string; agency: string }) {
  const { data, error } = useLoad(
    () => get("/api/v1/public/reports" + qs({ period: props.period, agency: props.agency })),
    [props.period, props.agency],
  );
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const figures: [string, number | string][] = Object.entries(data.figures);
  const used = new Set<string>();
  const charts = GROUPS.map(([prefix, title]) => {
    const bars: Bar[] = [];
    for (const [k, v] of figures) {
      if (k.startsWith(prefix) && !used.has(k)) {
        used.add(k);
        bars.push({ label: k.slice(prefix.length) || k, value: v });
      }
    }
    return bars.length ? <BarChart key={prefix} title={title} bars={bars} /> : null;
  });
  const rest = figures.filter(([k]) => !used.has(k));
  const base = "/api/v1/public/reports" + qs({ period: props.period, agency: props.agency });
  return (
    <section aria-label="Report">
      <p>
        {data.from.slice(0, 10)} to {data.to.slice(0, 10)} (end excluded), {data.agency ? "agency " + data.agency : "the whole deployment"}. Counted
        from the audit log at its checkpoint of <strong>{data.checkpoint.size}</strong> leaves; re-count it with{" "}
        <code>canvass report verify</code>.
      </p>
      <p class="hint">{data.small_count_rule}</p>
      <p>
        Download: <a href={base + (base.includes("?") ? "&" : "?") + "format=csv"}>CSV</a> ·{" "}
        <a href={base + (base.includes("?") ? "&" : "?") + "format=json"}>JSON</a> ·{" "}
        <a href={base + (base.includes("?") ? "&" : "?") + "format=html"}>printable page</a>
      </p>
      <div class="charts">{charts}</div>
      {rest.length > 0 && <BarChart title="Other figures" bars={rest.map(([k, v]) => ({ label: k, value: v }))} />}
      <table>
        <caption>Every figure</caption>
        <thead>
          <tr>
            <th scope="col">Figure</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {figures.map(([k, v]) => (
            <tr key={k}>
              <td>
                <code>{k}</code>
              </td>
              <td>
                <Count v={v} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function useAgencies() {
  return useLoad(() => get("/api/v1/public/plates/transparency"));
}

export function Reports() {
  const [period, setPeriod] = useState(query("period") || currentQuarter());
  const [agency, setAgency] = useState(query("agency"));
  const [draft, setDraft] = useState(period);
  const [err, setErr] = useState("");
  return (
    <>
      <PageTitle>Transparency report</PageTitle>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (!/^\d{4}(Q[1-4]|-\d{2})?$/.test(draft)) {
            setErr("A period is a year (2026), a quarter (2026Q4) or a month (2026-11)");
            return;
          }
          setErr("");
          setPeriod(draft);
          navigate("/public/reports" + qs({ period: draft, agency }), true);
        }}
      >
        <Field label="Period" error={err} hint="2026, 2026Q4 or 2026-11">
          {(a) => <input {...a} value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />}
        </Field>
        <Field label="Agency">
          {(a) => <AgencySelect attrs={a} value={agency} onChange={setAgency} empty="Whole deployment" />}
        </Field>
        <button type="submit">Show</button>
      </form>
      <ReportView period={period} agency={agency} />
    </>
  );
}

export function Agencies() {
  const { data, error } = useAgencies();
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  return (
    <>
      <PageTitle>Agencies</PageTitle>
      <p>Each agency's transparency portal: its plate readers, searches by offense type, sharing agreements and report.</p>
      <ul class="cards">
        {data.agencies.map((a: Json) => (
          <li key={a.agency_id}>
            <Link href={`/public/agencies/${a.agency_id}`}>{a.agency}</Link> ({a.state}
            {a.federal ? ", federal" : ""}): {a.readers} readers, {a.reads_last_30_days} reads and {a.hits_last_30_days} hits in the
            last 30 days
          </li>
        ))}
      </ul>
    </>
  );
}

export function AgencyPortal(props: { id: string }) {
  const { data, error } = useAgencies();
  const [period, setPeriod] = useState(currentQuarter());
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const a = data.agencies.find((x: Json) => x.agency_id === props.id);
  if (!a) return <ErrorBox error={"no agency " + props.id} />;
  const searches: Bar[] = Object.entries(a.searches_by_offense_type).map(([k, v]) => ({ label: k, value: v as number }));
  return (
    <>
      <PageTitle>{a.agency}</PageTitle>
      <dl class="facts">
        <dt>State</dt>
        <dd>
          {a.state}
          {a.federal ? " (federal agency)" : ""}
        </dd>
        <dt>Plate readers</dt>
        <dd>{a.readers}</dd>
        <dt>Reads, last 30 days</dt>
        <dd>{a.reads_last_30_days.toLocaleString()}</dd>
        <dt>Hot-list hits, last 30 days</dt>
        <dd>{a.hits_last_30_days.toLocaleString()}</dd>
        <dt>Read retention</dt>
        <dd>{a.retention_days} days</dd>
        <dt>Out-of-state sharing</dt>
        <dd>{a.out_of_state_sharing_allowed ? "allowed by state law" : "forbidden by state law"}</dd>
        <dt>Federal sharing</dt>
        <dd>{a.federal_sharing_allowed ? "allowed by state law" : "forbidden by state law"}</dd>
        <dt>Prohibited purposes</dt>
        <dd>{a.prohibited_purposes.join(", ").replace(/_/g, " ")}</dd>
      </dl>
      {searches.length ? <BarChart title="Plate searches by offense type (all time)" bars={searches} /> : <p>No plate searches yet.</p>}
      <h2>Sharing agreements</h2>
      {a.sharing_agreements.length === 0 ? (
        <p>None: no other agency may search its reads.</p>
      ) : (
        <ul>
          {a.sharing_agreements.map((g: Json) => (
            <li key={g.id}>
              {g.scope === "agency" && <>one to one with {g.to_agency_id}</>}
              {g.scope === "in_state" && <>every non-federal agency in {a.state}</>}
              {g.scope === "states" && <>agencies of {g.states.join(", ")}</>}
              {g.scope === "distance" && <>agencies within {(g.distance_m / 1000).toFixed(1)} km</>} since <Time t={g.created_at} />
            </li>
          ))}
        </ul>
      )}
      <h2>Report</h2>
      <Field label="Period" hint="2026, 2026Q4 or 2026-11">
        {(at) => <input {...at} value={period} onChange={(e) => setPeriod(e.currentTarget.value)} />}
      </Field>
      <ReportView period={period} agency={a.agency_id} />
    </>
  );
}

export function Emergencies() {
  const { data, error } = useLoad(() => get("/api/v1/public/emergencies"));
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  return (
    <>
      <PageTitle>Emergency disclosures</PageTitle>
      <p>
        Data disclosed without prior legal process on an officer's attestation of imminent danger. Legal process must follow
        within the deadline, or the disclosure is flagged here.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Requested</th>
            <th scope="col">Agency</th>
            <th scope="col">Disclosed</th>
            <th scope="col">Items</th>
            <th scope="col">Legal process due</th>
            <th scope="col">Follow-up</th>
          </tr>
        </thead>
        <tbody>
          {data.emergencies.map((e: Json) => (
            <tr key={e.id}>
              <td>
                <Time t={e.requested_at} />
              </td>
              <td>{e.agency_id}</td>
              <td>
                <Time t={e.disclosed_at} />
              </td>
              <td>{e.items_disclosed}</td>
              <td>
                <Time t={e.legal_process_due} />
                {e.overdue && <strong class="bad"> overdue</strong>}
              </td>
              <td>
                <Status s={e.followup} />
                {e.flagged_at && (
                  <>
                    {" "}
                    flagged <Time t={e.flagged_at} />
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data.emergencies.length === 0 && <p>None.</p>}
    </>
  );
}
