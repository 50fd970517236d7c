// Live alerts over Server-Sent Events (GET /api/v1/events): motion, new clips, footage
// requests and legal notices for residents; hot-list hits for officers and supervisors, which
// show the crop and ask a person to confirm plate and state or mark a misread.
import { useEffect, useState } from "preact/hooks";
import { ApiError, Json, post } from "./api";
import { Link } from "./router";
import { fmtTime } from "./ui";

interface Alert {
  key: number;
  type: string;
  data: Json;
  decided?: string;
  error?: string;
}

let seq = 0;

export function LiveAlerts(props: { account: Json }) {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [state, setState] = useState("connecting");
  useEffect(() => {
    const es = new EventSource("/api/v1/events");
    es.onopen = () => setState("live");
    es.onerror = () => setState("reconnecting");
    const add = (type: string) => (e: MessageEvent) => {
      let data: Json = {};
      try {
        data = JSON.parse(e.data);
      } catch {
        /* ignore */
      }
      setAlerts((a) => [{ key: ++seq, type, data }, ...a].slice(0, 20));
    };
    for (const t of ["motion", "clip", "request", "plate_hit", "demand"]) es.addEventListener(t, add(t) as EventListener);
    return () => es.close();
  }, [props.account.id]);

  const decide = async (a: Alert, status: string) => {
    try {
      await post(`/api/v1/plates/hits/${a.data.hit_id}/decide`, { status });
      setAlerts((xs) => xs.map((x) => (x.key === a.key ? { ...x, decided: status } : x)));
    } catch (e) {
      setAlerts((xs) => xs.map((x) => (x.key === a.key ? { ...x, error: (e as ApiError).message } : x)));
    }
  };

  return (
    <section class="alerts" aria-label="Live alerts">
      <p class="live-state">
        <span class={"dot " + state} aria-hidden="true" /> Live alerts: {state}
      </p>
      <ul aria-live="polite" aria-relevant="additions">
        {alerts.map((a) => (
          <li key={a.key} class={"alert alert-" + a.type}>
            {a.type === "motion" && (
              <span>
                Motion at <strong>{a.data.camera_name}</strong>, {fmtTime(a.data.at)} (score {a.data.score})
              </span>
            )}
            {a.type === "clip" && (
              <span>
                New clip from a camera, recorded {fmtTime(a.data.started_at)}. <Link href="/clips">Clips</Link>
              </span>
            )}
            {a.type === "request" && (
              <span>
                {a.data.agency} asks for footage ({a.data.incident_type?.replace(/_/g, " ")}) from {a.data.cameras} of your
                cameras. <Link href={`/inbox/${a.data.request_id}`}>Answer</Link>
              </span>
            )}
            {a.type === "demand" && (
              <span>
                You were told of a legal demand ({a.data.type}, {a.data.status}). <Link href="/history">History</Link>
              </span>
            )}
            {a.type === "plate_hit" && (
              <div class="hit-alert">
                <strong>Hot-list hit ({a.data.kind})</strong>: read <code>{a.data.plate}</code> {a.data.state} — listed{" "}
                <code>{a.data.listed_plate}</code> {a.data.listed_state || "any state"}: {a.data.reason}.
                {a.data.crop && <img src={a.data.crop} alt={`Crop of the plate read as ${a.data.plate}`} class="crop" />}
                <p>Check plate and state against the crop before acting.</p>
                {a.decided ? (
                  <p role="status">Marked {a.decided}.</p>
                ) : (
                  <div class="row">
                    <button onClick={() => decide(a, "confirmed")}>Confirm plate and state</button>
                    <button class="secondary" onClick={() => decide(a, "misread")}>
                      Misread
                    </button>
                  </div>
                )}
                {a.error && <p class="field-error">{a.error}</p>}
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
