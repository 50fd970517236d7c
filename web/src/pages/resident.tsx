// Resident pages: cameras (map, privacy zones on a snapshot, retention, sharing), clips (player,
// upload with progress), the request inbox (the request on a map, my clips in its window,
// share or decline) and the history of everything shared or demanded.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, get, Json, post, qs, sendBytes } from "../api";
import { LatLng, MapView } from "../map";
import { Link, navigate } from "../router";
import { Badge, ErrorBox, Field, fmtTime, Loading, Notice, PageTitle, Progress, relative, Status, Time, useLoad } from "../ui";

const KINDS = ["doorbell", "outdoor", "indoor", "alpr"];
const CAMERA_FIELDS = ["name", "location", "kind", "bearing_deg", "retention_days", "sharing", "privacy_zones"];

function fieldError(err: ApiError | null, name: string, fields = CAMERA_FIELDS): string | undefined {
  return err && err.fieldIn(fields) === name ? err.message : undefined;
}

export function Cameras() {
  const cams = useLoad(() => get("/api/v1/cameras"));
  const motion = useLoad(() => get("/api/v1/motion?limit=20"));
  if (cams.error) return <ErrorBox error={cams.error} />;
  if (!cams.data) return <Loading />;
  const list: Json[] = cams.data.cameras;
  const names = Object.fromEntries(list.map((c) => [c.id, c.name]));
  return (
    <>
      <PageTitle>My cameras</PageTitle>
      <p>
        <Link href="/cameras/new" class="button">
          Add a camera
        </Link>
      </p>
      <MapView label="Map of my cameras" fit points={list.map((c) => ({ ...c.location, label: c.name }))} height="280px" />
      <table>
        <thead>
          <tr>
            <th scope="col">Camera</th>
            <th scope="col">Kind</th>
            <th scope="col">Sharing</th>
            <th scope="col">Retention</th>
            <th scope="col">Privacy zones</th>
            <th scope="col">Online</th>
          </tr>
        </thead>
        <tbody>
          {list.map((c) => (
            <tr key={c.id}>
              <td>
                <Link href={`/cameras/${c.id}`}>{c.name}</Link>
              </td>
              <td>{c.kind}</td>
              <td>{c.sharing === "ask" ? "ask me" : "never"}</td>
              <td>{c.retention_days} days</td>
              <td>{c.privacy_zones.length}</td>
              <td>{c.online ? <Badge kind="ok">online</Badge> : c.last_seen_at ? "last seen " + relative(c.last_seen_at) : "never seen"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.length === 0 && <p>No cameras yet.</p>}
      <h2>Recent motion</h2>
      {motion.data ? (
        <ul>
          {motion.data.motion.map((m: Json) => (
            <li key={m.id}>
              {names[m.camera_id] ?? m.camera_id}: <Time t={m.at} /> (score {Number(m.score).toFixed(2)})
            </li>
          ))}
          {motion.data.motion.length === 0 && <li>None.</li>}
        </ul>
      ) : (
        <Loading />
      )}
    </>
  );
}

function CameraForm(props: { initial: Json; onSubmit: (body: Json) => Promise<void>; submitLabel: string }) {
  const [f, setF] = useState<Json>(props.initial);
  const [err, setErr] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [local, setLocal] = useState<Record<string, string>>({});
  const set = (k: string, v: unknown) => setF({ ...f, [k]: v });
  const submit = async (e: Event) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!f.name?.trim()) problems.name = "Give the camera a name";
    if (!f.location) problems.location = "Click the map where the camera is, or type its latitude and longitude";
    setLocal(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    setErr(null);
    try {
      await props.onSubmit({
        name: f.name,
        kind: f.kind,
        location: f.location,
        bearing_deg: f.bearing_deg === "" || f.bearing_deg === null ? null : Number(f.bearing_deg),
        retention_days: Number(f.retention_days),
        sharing: f.sharing,
      });
    } catch (e) {
      setErr(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const loc: LatLng | null = f.location;
  return (
    <form onSubmit={submit} novalidate>
      <div class="two">
        <div>
          <Field label="Name" required error={local.name ?? fieldError(err, "name")}>
            {(a) => <input {...a} value={f.name} onInput={(e) => set("name", e.currentTarget.value)} />}
          </Field>
          <Field label="Kind" error={fieldError(err, "kind")}>
            {(a) => (
              <select {...a} value={f.kind} onChange={(e) => set("kind", e.currentTarget.value)}>
                {KINDS.map((k) => (
                  <option key={k}>{k}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Latitude" required error={local.location ?? fieldError(err, "location")}>
            {(a) => (
              <input
                {...a}
                type="number"
                step="any"
                value={loc?.lat ?? ""}
                onInput={(e) => set("location", { lat: Number(e.currentTarget.value), lng: loc?.lng ?? 0 })}
              />
            )}
          </Field>
          <Field label="Longitude" required>
            {(a) => (
              <input
                {...a}
                type="number"
                step="any"
                value={loc?.lng ?? ""}
                onInput={(e) => set("location", { lat: loc?.lat ?? 0, lng: Number(e.currentTarget.value) })}
              />
            )}
          </Field>
          <Field label="Bearing (degrees from north)" error={fieldError(err, "bearing_deg")} hint="0 to 359; empty: not set">
            {(a) => <input {...a} type="number" min={0} max={359} value={f.bearing_deg ?? ""} onInput={(e) => set("bearing_deg", e.currentTarget.value)} />}
          </Field>
          <Field label="Keep clips for (days)" error={fieldError(err, "retention_days")} hint="1 to 180; 60 by default">
            {(a) => <input {...a} type="number" min={1} max={180} value={f.retention_days} onInput={(e) => set("retention_days", e.currentTarget.value)} />}
          </Field>
          <fieldset>
            <legend>When police ask for footage</legend>
            <label>
              <input type="radio" name="sharing" checked={f.sharing === "ask"} onChange={() => set("sharing", "ask")} /> Ask me each time
            </label>
            <label>
              <input type="radio" name="sharing" checked={f.sharing === "never"} onChange={() => set("sharing", "never")} /> Never ask me
            </label>
            {fieldError(err, "sharing") && <p class="field-error">{fieldError(err, "sharing")}</p>}
          </fieldset>
        </div>
        <MapView
          label="Click where the camera is"
          center={loc ?? undefined}
          zoom={15}
          points={loc ? [{ ...loc, label: f.name || "camera" }] : []}
          onClick={(p) => set("location", p)}
        />
      </div>
      {err && !err.fieldIn(CAMERA_FIELDS) && <ErrorBox error={err} />}
      <button type="submit" disabled={busy}>
        {busy ? "Saving…" : props.submitLabel}
      </button>
    </form>
  );
}

export function NewCamera() {
  const [created, setCreated] = useState<Json | null>(null);
  if (created)
    return (
      <>
        <PageTitle>Camera added</PageTitle>
        <Notice>
          <p>
            <strong>{created.name}</strong> is registered. Install this device token in its agent; it is shown only once:
          </p>
          <p>
            <code class="token">{created.device_token}</code>
          </p>
        </Notice>
        <p>
          <Link href={`/cameras/${created.id}`}>Draw privacy zones</Link> · <Link href="/cameras">All cameras</Link>
        </p>
      </>
    );
  return (
    <>
      <PageTitle>Add a camera</PageTitle>
      <CameraForm
        submitLabel="Add camera"
        initial={{ name: "", kind: "doorbell", location: null, bearing_deg: "", retention_days: 60, sharing: "ask" }}
        onSubmit={async (body) => {
          const c = await post("/api/v1/cameras", body);
          sessionStorage.setItem("canvass.device." + c.id, c.device_token);
          setCreated(c);
        }}
      />
    </>
  );
}

// Privacy zones drawn on a frame of the camera's latest clip: click to add points, "Close zone"
// to finish a polygon (coordinates are fractions of the image, as the API wants).
function ZoneEditor(props: { camera: Json; onSaved: () => void }) {
  const [zones, setZones] = useState<[number, number][][]>(props.camera.privacy_zones);
  const [draft, setDraft] = useState<[number, number][]>([]);
  const [err, setErr] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const clips = useLoad(() => get(`/api/v1/clips${qs({ camera_id: props.camera.id, limit: 1000 })}`));
  const latest = clips.data?.clips?.filter((c: Json) => !c.e2ee).slice(-1)[0];
  const svg = useRef<SVGSVGElement>(null);
  const click = (e: MouseEvent) => {
    const r = svg.current!.getBoundingClientRect();
    const x = Math.min(1, Math.max(0, (e.clientX - r.left) / r.width));
    const y = Math.min(1, Math.max(0, (e.clientY - r.top) / r.height));
    setDraft([...draft, [Number(x.toFixed(4)), Number(y.toFixed(4))]]);
  };
  const save = async () => {
    setErr(null);
    setSaved(false);
    try {
      await api("PATCH", `/api/v1/cameras/${props.camera.id}`, { privacy_zones: zones });
      setSaved(true);
      props.onSaved();
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  const pts = (z: [number, number][]) => z.map(([x, y]) => `${x},${y}`).join(" ");
  return (
    <section aria-labelledby="zones-head">
      <h2 id="zones-head">Privacy zones</h2>
      <p>
        Parts of the image masked before anything is stored. Click on the snapshot to add corners, then close the zone.
        {!latest && " (No clip yet: drawing on a blank frame.)"}
      </p>
      <div class="snapshot">
        {latest ? (
          <video src={`${latest.content_url}#t=0.5`} preload="metadata" muted aria-label="Snapshot from the latest clip" />
        ) : (
          <div class="blank" />
        )}
        <svg ref={svg} viewBox="0 0 1 1" preserveAspectRatio="none" onClick={click} role="img" aria-label={`${zones.length} privacy zones`}>
          {zones.map((z, i) => (
            <polygon key={i} points={pts(z)} class="zone" />
          ))}
          {draft.length > 0 && <polyline points={pts(draft)} class="draft" />}
          {draft.map(([x, y], i) => (
            <circle key={i} cx={x} cy={y} r={0.01} class="draft-pt" />
          ))}
        </svg>
      </div>
      <div class="row">
        <button disabled={draft.length < 3} onClick={() => (setZones([...zones, draft]), setDraft([]))}>
          Close zone ({draft.length} corners)
        </button>
        <button class="secondary" disabled={!draft.length} onClick={() => setDraft(draft.slice(0, -1))}>
          Undo corner
        </button>
        <button class="secondary" disabled={!zones.length} onClick={() => setZones([])}>
          Remove all zones
        </button>
        <button onClick={save}>Save zones</button>
      </div>
      <ul>
        {zones.map((z, i) => (
          <li key={i}>
            Zone {i + 1}: {z.length} corners{" "}
            <button class="link" onClick={() => setZones(zones.filter((_, j) => j !== i))}>
              remove
            </button>
          </li>
        ))}
      </ul>
      {err && <p class="field-error" role="alert">{err.message}</p>}
      {saved && <Notice>Zones saved.</Notice>}
    </section>
  );
}

export function CameraDetail(props: { id: string }) {
  const cam = useLoad(() => get(`/api/v1/cameras/${props.id}`), [props.id]);
  const [saved, setSaved] = useState(false);
  const [token, setToken] = useState("");
  if (cam.error) return <ErrorBox error={cam.error} />;
  if (!cam.data) return <Loading />;
  const c = cam.data;
  return (
    <>
      <PageTitle>{c.name}</PageTitle>
      <p>
        Added <Time t={c.created_at} />; {c.online ? "online" : c.last_seen_at ? "last seen " + fmtTime(c.last_seen_at) : "never seen"}.
      </p>
      <CameraForm
        key={c.updated_at}
        submitLabel="Save settings"
        initial={{ ...c, bearing_deg: c.bearing_deg ?? "" }}
        onSubmit={async (body) => {
          await api("PATCH", `/api/v1/cameras/${c.id}`, body);
          setSaved(true);
          cam.reload();
        }}
      />
      {saved && <Notice>Settings saved.</Notice>}
      <ZoneEditor camera={c} onSaved={cam.reload} />
      <h2>Device</h2>
      <div class="row">
        <button
          class="secondary"
          onClick={async () => {
            if (!confirm("Replace the device token? The camera's agent stops uploading until it gets the new one.")) return;
            const r = await post(`/api/v1/cameras/${c.id}/device-token`);
            sessionStorage.setItem("canvass.device." + c.id, r.device_token);
            setToken(r.device_token);
          }}
        >
          New device token
        </button>
        <button
          class="danger"
          onClick={async () => {
            if (!confirm(`Delete ${c.name} with all its clips?`)) return;
            await api("DELETE", `/api/v1/cameras/${c.id}`);
            navigate("/cameras");
          }}
        >
          Delete camera
        </button>
      </div>
      {token && (
        <Notice>
          New device token (shown once): <code class="token">{token}</code>
        </Notice>
      )}
    </>
  );
}

async function sha256Hex(buf: ArrayBuffer): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", buf));
  return Array.from(h, (x) => x.toString(16).padStart(2, "0")).join("");
}

function videoDuration(file: File): Promise<number> {
  return new Promise((resolve) => {
    const v = document.createElement("video");
    v.preload = "metadata";
    const url = URL.createObjectURL(file);
    v.onloadedmetadata = () => {
      URL.revokeObjectURL(url);
      resolve(isFinite(v.duration) ? v.duration : 0);
    };
    v.onerror = () => resolve(0);
    v.src = url;
  });
}

// Uploads a recording as the camera's agent would (resumable, idempotent by SHA-256), with the
// camera's device token: the upload endpoints are for devices only.
function UploadClip(props: { cameras: Json[]; onDone: () => void }) {
  const [camera, setCamera] = useState(props.cameras[0]?.id ?? "");
  const [token, setToken] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [status, setStatus] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => setToken(sessionStorage.getItem("canvass.device." + camera) ?? ""), [camera]);
  const submit = async (e: Event) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!token.startsWith("cvd_")) problems.token = "The camera's device token (cvd_...) is needed to upload as the camera";
    if (!file) problems.file = "Choose a video file";
    setErrors(problems);
    if (Object.keys(problems).length || !file) return;
    try {
      setStatus("Hashing…");
      setProgress(0);
      const buf = await file.arrayBuffer();
      const sha = await sha256Hex(buf);
      const dur = await videoDuration(file);
      const end = new Date(Math.min(Date.now() - 1000, file.lastModified || Date.now()));
      const start = new Date(end.getTime() - Math.ceil(dur + 1) * 1000);
      const auth = { Authorization: "Bearer " + token };
      const res = await fetch("/api/v1/uploads", {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/json" },
        body: JSON.stringify({
          sha256: sha,
          size_bytes: buf.byteLength,
          started_at: start.toISOString().replace(/\.\d+Z$/, "Z"),
          ended_at: end.toISOString().replace(/\.\d+Z$/, "Z"),
        }),
      });
      let st = await res.json();
      if (!res.ok) throw new ApiError(res.status, st.error?.code, st.error?.message);
      setStatus("Uploading…");
      while (!st.complete) {
        const off = st.received_bytes;
        const chunk = buf.slice(off, Math.min(buf.byteLength, off + st.max_chunk_bytes));
        st = await sendBytes("PATCH", `/api/v1/uploads/${st.upload_id}`, chunk, (f) => setProgress((off + f * chunk.byteLength) / buf.byteLength), {
          ...auth,
          "Content-Type": "application/offset+octet-stream",
          "Upload-Offset": String(off),
        });
      }
      setProgress(1);
      setStatus("Uploaded: clip " + st.clip.id);
      props.onDone();
    } catch (e) {
      setProgress(null);
      setStatus("");
      setErrors({ file: (e as Error).message });
    }
  };
  return (
    <details class="panel">
      <summary>Upload a recording</summary>
      <form onSubmit={submit} novalidate>
        <Field label="Camera">
          {(a) => (
            <select {...a} value={camera} onChange={(e) => setCamera(e.currentTarget.value)}>
              {props.cameras.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Device token" error={errors.token} hint="Shown when the camera was added, or made anew on its page.">
          {(a) => <input {...a} class="mono" value={token} onInput={(e) => setToken(e.currentTarget.value)} />}
        </Field>
        <Field label="Video file" error={errors.file}>
          {(a) => <input {...a} type="file" accept="video/*" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />}
        </Field>
        <button type="submit">Upload</button>
        {progress !== null && <Progress value={progress} label="Upload progress" />}
        {status && <p role="status">{status}</p>}
      </form>
    </details>
  );
}

export function Clips() {
  const cams = useLoad(() => get("/api/v1/cameras"));
  const [camera, setCamera] = useState("");
  const clips = useLoad(() => get(`/api/v1/clips${qs({ camera_id: camera, limit: 1000 })}`), [camera]);
  const [playing, setPlaying] = useState<Json | null>(null);
  const [err, setErr] = useState<unknown>(null);
  if (clips.error || cams.error) return <ErrorBox error={clips.error || cams.error} />;
  if (!clips.data || !cams.data) return <Loading />;
  const names = Object.fromEntries(cams.data.cameras.map((c: Json) => [c.id, c.name]));
  const list: Json[] = [...clips.data.clips].reverse();
  return (
    <>
      <PageTitle>My clips</PageTitle>
      <Field label="Camera">
        {(a) => (
          <select {...a} value={camera} onChange={(e) => setCamera(e.currentTarget.value)}>
            <option value="">All cameras</option>
            {cams.data.cameras.map((c: Json) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <UploadClip cameras={cams.data.cameras} onDone={clips.reload} />
      {playing && (
        <section class="player" aria-label="Player">
          <h2>
            {names[playing.camera_id]}, <Time t={playing.started_at} />
          </h2>
          {playing.e2ee ? (
            <p>
              End-to-end encrypted: the server cannot open it. Open it on your own device with <code>canvass e2ee open</code>.
            </p>
          ) : (
            <video src={playing.content_url} controls autoPlay aria-label="Clip player" />
          )}
          <p class="hint mono">SHA-256 {playing.sha256}</p>
        </section>
      )}
      <table>
        <caption>{list.length} clips, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Recorded</th>
            <th scope="col">Camera</th>
            <th scope="col">Length</th>
            <th scope="col">Size</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {list.map((c) => (
            <tr key={c.id} class={playing?.id === c.id ? "selected" : ""}>
              <td>
                <Time t={c.started_at} />
              </td>
              <td>{names[c.camera_id] ?? c.camera_id}</td>
              <td>{c.duration_ms ? (c.duration_ms / 1000).toFixed(1) + " s" : c.e2ee ? "e2ee" : "—"}</td>
              <td>{(c.size_bytes / 1024).toFixed(0)} KiB</td>
              <td class="row">
                <button onClick={() => setPlaying(c)} aria-label={`Play the clip of ${fmtTime(c.started_at)}`}>
                  Play
                </button>
                <a href={c.content_url} download>
                  Download
                </a>
                <button
                  class="link danger"
                  onClick={async () => {
                    if (!confirm("Delete this clip? Copies already shared stay with the agency.")) return;
                    try {
                      await api("DELETE", `/api/v1/clips/${c.id}`);
                      clips.reload();
                    } catch (e) {
                      setErr(e);
                    }
                  }}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorBox error={err} />
    </>
  );
}

export function Inbox() {
  const { data, error } = useLoad(() => get("/api/v1/inbox"));
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  return (
    <>
      <PageTitle>Requests for footage</PageTitle>
      <p>Police asked the owners of cameras near an incident. They never learn who was asked or who declined.</p>
      <ul class="cards">
        {data.requests.map((r: Json) => (
          <li key={r.id}>
            <Link href={`/inbox/${r.id}`}>
              {r.agency}: {r.incident_type.replace(/_/g, " ")}
            </Link>{" "}
            <Status s={r.my_answer} /> <Status s={r.status} />
            <p>{r.description}</p>
            <p class="hint">
              Asked <Time t={r.asked_at} />; {r.status === "open" ? "answer by " + fmtTime(r.expires_at) : "closed"}
            </p>
          </li>
        ))}
      </ul>
      {data.requests.length === 0 && <p>No requests so far.</p>}
    </>
  );
}

export function InboxItem(props: { id: string }) {
  const item = useLoad(() => get(`/api/v1/inbox/${props.id}`), [props.id]);
  const cams = useLoad(() => get("/api/v1/cameras"));
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [blur, setBlur] = useState(false);
  const [mute, setMute] = useState(false);
  const [giveContact, setGiveContact] = useState(false);
  const [contact, setContact] = useState({ name: "", phone: "", email: "" });
  const [err, setErr] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState("");
  const [done, setDone] = useState("");
  const [preview, setPreview] = useState("");
  if (item.error) return <ErrorBox error={item.error} />;
  if (!item.data || !cams.data) return <Loading />;
  const r = item.data;
  const mine = cams.data.cameras.filter((c: Json) => r.my_cameras.includes(c.id));
  const names = Object.fromEntries(cams.data.cameras.map((c: Json) => [c.id, c.name]));
  const canAnswer = r.status === "open" && (r.my_answer === "pending" || r.my_answer === "shared");
  const toggle = (id: string) => {
    const s = new Set(chosen);
    if (s.has(id)) s.delete(id);
    else s.add(id);
    setChosen(s);
  };
  const share = async (e: Event) => {
    e.preventDefault();
    setErr(null);
    setDone("");
    if (chosen.size === 0) {
      setErr(new ApiError(400, "INVALID_ARGUMENT", "choose at least one clip to share"));
      return;
    }
    setBusy(blur ? "Sharing… blurring faces can take a while" : "Sharing…");
    try {
      const body: Json = { clip_ids: [...chosen], blur_faces: blur, mute_audio: mute };
      if (giveContact) body.contact = contact;
      const res = await post(`/api/v1/inbox/${r.id}/share`, body);
      setDone(`Shared ${res.shares.length} clip${res.shares.length > 1 ? "s" : ""}${blur ? " with faces blurred" : ""}.`);
      setChosen(new Set());
      item.reload();
    } catch (e) {
      setErr(e as ApiError);
    } finally {
      setBusy("");
    }
  };
  const decline = async () => {
    if (!confirm("Decline this request? You cannot share with it afterwards. Police cannot tell a decline from no answer.")) return;
    setErr(null);
    try {
      await post(`/api/v1/inbox/${r.id}/decline`);
      setDone("Declined.");
      item.reload();
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  const contactErr = err && /contact/.test(err.message) ? err.message : undefined;
  const clipErr = err && !contactErr ? err.message : undefined;
  return (
    <>
      <PageTitle>{`${r.agency}: ${r.incident_type.replace(/_/g, " ")}`}</PageTitle>
      <p class="lead">{r.description}</p>
      <dl class="facts">
        <dt>Footage asked for</dt>
        <dd>
          <Time t={r.window.from} /> to <Time t={r.window.to} />
        </dd>
        <dt>Area</dt>
        <dd>{Math.round(r.area.radius_m)} m around the marked point</dd>
        <dt>Status</dt>
        <dd>
          <Status s={r.status} />, {r.status === "open" ? "answers until " + fmtTime(r.expires_at) : "no longer takes footage"}
        </dd>
        <dt>My answer</dt>
        <dd>
          <Status s={r.my_answer} /> {r.answered_at && <Time t={r.answered_at} />}
        </dd>
      </dl>
      <MapView
        label="The request's area and my cameras asked"
        fit
        circles={[{ center: r.area.center, radius_m: r.area.radius_m, label: "requested area" }]}
        points={mine.map((c: Json) => ({ ...c.location, label: c.name }))}
        height="300px"
      />
      <h2>My clips in the window</h2>
      <form onSubmit={share} novalidate>
        <fieldset disabled={!canAnswer || !!busy}>
          <legend>Choose the clips to share</legend>
          {r.my_clips.length === 0 && <p>None of your clips overlap the window.</p>}
          <ul class="clip-choices">
            {r.my_clips.map((c: Json) => (
              <li key={c.id}>
                <label>
                  <input type="checkbox" checked={chosen.has(c.id)} onChange={() => toggle(c.id)} disabled={c.e2ee} />
                  {names[c.camera_id] ?? c.camera_id}, <Time t={c.started_at} /> ({c.duration_ms ? (c.duration_ms / 1000).toFixed(1) + " s" : "e2ee"})
                </label>{" "}
                {c.e2ee ? (
                  <span class="hint">end-to-end encrypted: share it with canvass share from your device</span>
                ) : (
                  <button type="button" class="link" onClick={() => setPreview(preview === c.id ? "" : c.id)}>
                    {preview === c.id ? "Hide" : "Preview"}
                  </button>
                )}
                {preview === c.id && <video src={c.content_url} controls aria-label="Clip preview" />}
              </li>
            ))}
          </ul>
          {clipErr && (
            <p class="field-error" role="alert">
              {clipErr}
            </p>
          )}
          <label>
            <input type="checkbox" checked={blur} onChange={(e) => setBlur(e.currentTarget.checked)} /> Blur faces
          </label>
          <label>
            <input type="checkbox" checked={mute} onChange={(e) => setMute(e.currentTarget.checked)} /> Mute audio
          </label>
          <label>
            <input type="checkbox" checked={giveContact} onChange={(e) => setGiveContact(e.currentTarget.checked)} /> Give my contact
            details with these clips (off by default)
          </label>
          {giveContact && (
            <div class="two">
              <Field label="Name" error={contactErr}>
                {(a) => <input {...a} value={contact.name} onInput={(e) => setContact({ ...contact, name: e.currentTarget.value })} />}
              </Field>
              <Field label="Phone">
                {(a) => <input {...a} type="tel" value={contact.phone} onInput={(e) => setContact({ ...contact, phone: e.currentTarget.value })} />}
              </Field>
              <Field label="Email">
                {(a) => <input {...a} type="email" value={contact.email} onInput={(e) => setContact({ ...contact, email: e.currentTarget.value })} />}
              </Field>
            </div>
          )}
          <div class="row">
            <button type="submit">Share selected clips</button>
            {r.my_answer === "pending" && (
              <button type="button" class="secondary" onClick={decline}>
                Decline
              </button>
            )}
          </div>
        </fieldset>
        {busy && <Progress value={null} label={busy} />}
        {busy && <p role="status">{busy}</p>}
        {done && <Notice>{done}</Notice>}
      </form>
    </>
  );
}

export function History() {
  const shares = useLoad(() => get("/api/v1/shares?limit=1000"));
  const demands = useLoad(() => get("/api/v1/me/demands"));
  const inbox = useLoad(() => get("/api/v1/inbox?limit=1000"));
  if (shares.error || demands.error || inbox.error) return <ErrorBox error={shares.error || demands.error || inbox.error} />;
  if (!shares.data || !demands.data || !inbox.data) return <Loading />;
  const reqs = Object.fromEntries(inbox.data.requests.map((r: Json) => [r.id, r]));
  return (
    <>
      <PageTitle>My history</PageTitle>
      <p>Everything shared from your cameras and every legal demand about you, with when you were told.</p>
      <h2>Clips I shared</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Shared</th>
            <th scope="col">Request</th>
            <th scope="col">Clip</th>
            <th scope="col">Agency's evidence item</th>
          </tr>
        </thead>
        <tbody>
          {shares.data.shares.map((s: Json) => (
            <tr key={s.id}>
              <td>
                <Time t={s.shared_at} />
              </td>
              <td>
                <Link href={`/inbox/${s.request_id}`}>
                  {reqs[s.request_id] ? `${reqs[s.request_id].agency}: ${reqs[s.request_id].incident_type.replace(/_/g, " ")}` : s.request_id}
                </Link>
              </td>
              <td class="mono">{s.clip_id}</td>
              <td class="mono">{s.evidence_id}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shares.data.shares.length === 0 && <p>Nothing shared.</p>}
      <h2>Legal demands about me</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Demand</th>
            <th scope="col">From</th>
            <th scope="col">Asked for</th>
            <th scope="col">Status</th>
            <th scope="col">I was told</th>
          </tr>
        </thead>
        <tbody>
          {demands.data.demands.map((d: Json) => (
            <tr key={d.id}>
              <td>
                {d.type.replace(/_/g, " ")} {d.docket_number}
                {d.narrowed && " (narrowed)"}
              </td>
              <td>
                {d.agency}, issued by {d.issuing_authority}
              </td>
              <td>
                {[d.subscriber && "account records", d.content && "video and plate reads"].filter(Boolean).join(" and ")}
                {d.from && (
                  <>
                    {" "}
                    from <Time t={d.from} /> to <Time t={d.to} />
                  </>
                )}
              </td>
              <td>
                <Status s={d.status} /> {d.produced_at && <>produced <Time t={d.produced_at} /></>}
              </td>
              <td>
                <Time t={d.told_at} />
                {d.delayed_by_nondisclosure_order && " (delayed by a non-disclosure order)"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {demands.data.demands.length === 0 && <p>No demands.</p>}
      <h2>Requests I was asked about</h2>
      <ul>
        {inbox.data.requests.map((r: Json) => (
          <li key={r.id}>
            <Time t={r.asked_at} />: <Link href={`/inbox/${r.id}`}>{r.agency}</Link> — <Status s={r.my_answer} />{" "}
            {r.answered_at && <Time t={r.answered_at} />}
          </li>
        ))}
      </ul>
    </>
  );
}
