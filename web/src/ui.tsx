// Shared building blocks: labelled fields with their own error, progress bars, status
// messages, the policy decision table, times.
import { ComponentChildren, JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, Decision, get, Json } from "./api";

let nextId = 0;
export function useId(prefix: string): string {
  const [id] = useState(() => `${prefix}-${++nextId}`);
  return id;
}

// A labelled control with its hint and its error beside it (aria-describedby, aria-invalid).
export function Field(props: {
  label: string;
  error?: string;
  hint?: string;
  required?: boolean;
  children: (attrs: { id: string; "aria-describedby"?: string; "aria-invalid"?: boolean; "aria-required"?: boolean }) => JSX.Element;
}) {
  const id = useId("f");
  const describedBy = [props.hint ? id + "-hint" : "", props.error ? id + "-err" : ""].filter(Boolean).join(" ");
  return (
    <div class={"field" + (props.error ? " has-error" : "")}>
      <label for={id}>
        {props.label}
        {props.required && <span aria-hidden="true"> *</span>}
      </label>
      {props.children({
        id,
        "aria-describedby": describedBy || undefined,
        "aria-invalid": props.error ? true : undefined,
        "aria-required": props.required || undefined,
      })}
      {props.hint && (
        <p class="hint" id={id + "-hint"}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="field-error" id={id + "-err"} role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

export function Progress(props: { value: number | null; label: string }) {
  const pct = props.value === null ? undefined : Math.round(props.value * 100);
  return (
    <div class="progress">
      <progress max={100} value={pct} aria-label={props.label} />
      <span aria-hidden="true">{pct === undefined ? "…" : pct + "%"}</span>
    </div>
  );
}

export function ErrorBox(props: { error: unknown }) {
  if (!props.error) return null;
  const e = props.error;
  const msg = e instanceof ApiError ? e.message : e instanceof Error ? e.message : String(e);
  return (
    <div class="error-box" role="alert">
      <strong>Error:</strong> {msg}
    </div>
  );
}

export function Notice(props: { children: ComponentChildren }) {
  return (
    <div class="notice" role="status">
      {props.children}
    </div>
  );
}

export function Loading() {
  return <p aria-busy="true">Loading…</p>;
}

// Loads once (and again when `deps` change); `reload` refetches.
export function useLoad<T = Json>(load: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    load().then(
      (d) => live && setData(d),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [...deps, n]);
  return { data, error, reload: () => setN((x) => x + 1), setData };
}

export function fmtTime(t: string | null | undefined): string {
  if (!t) return "—";
  const d = new Date(t);
  if (isNaN(d.getTime())) return t;
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function Time(props: { t: string | null | undefined }) {
  if (!props.t) return <span>—</span>;
  return <time dateTime={props.t}>{fmtTime(props.t)}</time>;
}

// "in 3 h 20 min" / "2 h ago"
export function relative(t: string | null | undefined): string {
  if (!t) return "";
  const ms = new Date(t).getTime() - Date.now();
  const abs = Math.abs(ms);
  const h = Math.floor(abs / 3.6e6);
  const m = Math.floor((abs % 3.6e6) / 6e4);
  const d = Math.floor(h / 24);
  const span = d >= 2 ? `${d} days` : h ? `${h} h ${m} min` : `${m} min`;
  return ms >= 0 ? `in ${span}` : `${span} ago`;
}

export function Badge(props: { kind?: string; children: ComponentChildren }) {
  return <span class={"badge " + (props.kind ?? "")}>{props.children}</span>;
}

export function statusKind(s: string): string {
  if (["open", "active", "accepted", "produced", "confirmed", "shared", "sent", "allowed", "verified"].includes(s)) return "ok";
  if (["pending_approval", "pending", "recorded", "deferred", "new", "needs_approval", "awaiting_legal_process"].includes(s)) return "warn";
  if (["rejected", "refused", "declined", "misread", "no_legal_process", "expired"].includes(s)) return "bad";
  return "";
}

export function Status(props: { s: string }) {
  return <Badge kind={statusKind(props.s)}>{props.s.replace(/_/g, " ")}</Badge>;
}

// Every rule of a policy decision, failed ones first marked.
export function DecisionTable(props: { decision: Decision; caption?: string }) {
  const d = props.decision;
  return (
    <table class="decision">
      <caption>
        {props.caption ?? "Policy decision"}: <Status s={d.verdict} />
        {d.state ? ` (rules of ${d.state})` : ""}
      </caption>
      <thead>
        <tr>
          <th scope="col">Rule</th>
          <th scope="col">Kind</th>
          <th scope="col">Result</th>
          <th scope="col">Why</th>
        </tr>
      </thead>
      <tbody>
        {d.rules.map((r) => (
          <tr class={r.passed ? "" : "failed"} key={r.rule}>
            <td>{r.rule}</td>
            <td>{r.kind}</td>
            <td>{r.passed ? "passed" : r.kind === "approval" ? "needs approval" : "failed"}</td>
            <td>{r.explanation}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Count(props: { v: number | string }) {
  return <span>{typeof props.v === "number" ? props.v.toLocaleString() : props.v}</span>;
}

// datetime-local <-> RFC 3339 (UTC).
export function toLocalInput(t: string | Date): string {
  const d = typeof t === "string" ? new Date(t) : t;
  const off = d.getTimezoneOffset() * 60000;
  return new Date(d.getTime() - off).toISOString().slice(0, 16);
}
export function fromLocalInput(v: string): string {
  if (!v) return "";
  return new Date(v).toISOString().replace(/\.000Z$/, "Z");
}

export function PageTitle(props: { children: string }) {
  useEffect(() => {
    document.title = props.children + " · Canvass";
  }, [props.children]);
  return <h1 tabIndex={-1} id="page-title">{props.children}</h1>;
}

type FieldAttrs = Parameters<Parameters<typeof Field>[0]["children"]>[0];

// A <select> of the deployment's agencies (the public transparency list), for a Field; `empty`
// labels the choice of none.
export function AgencySelect(props: { attrs: FieldAttrs; value: string; onChange: (id: string) => void; empty: string }) {
  const agencies = useLoad(() => get("/api/v1/public/plates/transparency"));
  return (
    <select {...props.attrs} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
      <option value="">{props.empty}</option>
      {(agencies.data?.agencies ?? []).map((x: Json) => (
        <option key={x.agency_id} value={x.agency_id}>
          {x.agency}
        </option>
      ))}
    </select>
  );
}
