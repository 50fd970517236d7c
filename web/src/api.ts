// The JSON API client: same origin, the session cookie, X-CSRF-Token on unsafe methods
// (docs/design/auth.md), and errors as ApiError with the server's code, message and, for policy
// refusals, the whole decision.

export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Rule {
  rule: string;
  kind: string;
  passed: boolean;
  explanation: string;
}
export interface Decision {
  verdict: string;
  state: string;
  rules: Rule[];
}

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public decision?: Decision,
  ) {
    super(message);
  }
  // The form field a message is about, among `fields`: the server names fields as `field 'x'`,
  // `x must ...` or `x: ...`. "" when none is named.
  fieldIn(fields: string[]): string {
    const m = this.message;
    const quoted = /field '([a-z_.]+)'/.exec(m);
    if (quoted) {
      const name = quoted[1].split(".")[0];
      if (fields.includes(name)) return name;
    }
    for (const f of fields) {
      if (m.startsWith(f + " ") || m.startsWith(f + ":") || m.startsWith(f + "s ")) return f;
    }
    for (const f of fields) {
      if (new RegExp(`\\b${f}\\b`).test(m)) return f;
    }
    return "";
  }
}

let csrfToken = "";
export function setCsrf(token: string) {
  csrfToken = token;
}

function headersFor(method: string, extra?: Record<string, string>): Record<string, string> {
  const h: Record<string, string> = { ...(extra ?? {}) };
  if (method !== "GET" && method !== "HEAD" && csrfToken) h["X-CSRF-Token"] = csrfToken;
  return h;
}

async function toError(res: Response): Promise<ApiError> {
  let code = "HTTP_" + res.status;
  let message = res.statusText || "request failed";
  let decision: Decision | undefined;
  try {
    const body = await res.json();
    if (body?.error) {
      code = body.error.code;
      message = body.error.message;
    }
    decision = body?.decision;
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, code, message, decision);
}

export async function api<T = Json>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = {
    method,
    credentials: "same-origin",
    headers: headersFor(method, body === undefined ? {} : { "Content-Type": "application/json" }),
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, "NETWORK", "the server did not answer: " + String(e));
  }
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get("Content-Type") ?? "";
  if (type.includes("json")) return (await res.json()) as T;
  return (await res.text()) as T;
}

export const get = <T = Json>(path: string) => api<T>("GET", path);
export const post = <T = Json>(path: string, body?: unknown) => api<T>("POST", path, body);

// Sends raw bytes with upload progress (XMLHttpRequest: fetch has no upload progress).
export function sendBytes(
  method: string,
  path: string,
  body: Blob | ArrayBuffer,
  onProgress: (fraction: number) => void,
  extraHeaders: Record<string, string> = {},
): Promise<Json> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.withCredentials = true;
    for (const [k, v] of Object.entries(headersFor(method, extraHeaders))) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, "NETWORK", "the upload was cut off; try again"));
    xhr.onload = () => {
      onProgress(1);
      let parsed: Json = null;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        parsed = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(parsed);
      else
        reject(
          new ApiError(
            xhr.status,
            parsed?.error?.code ?? "HTTP_" + xhr.status,
            parsed?.error?.message ?? xhr.statusText,
            parsed?.decision,
          ),
        );
    };
    xhr.send(body);
  });
}

// Fetches a (possibly large) body with download progress and returns it as a Blob with the
// server's file name.
export async function download(
  method: string,
  path: string,
  body: unknown,
  onProgress: (fraction: number | null) => void,
): Promise<{ blob: Blob; filename: string }> {
  const res = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: headersFor(method, body === undefined ? {} : { "Content-Type": "application/json" }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await toError(res);
  const total = Number(res.headers.get("Content-Length") ?? 0);
  const disposition = res.headers.get("Content-Disposition") ?? "";
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? "download.bin";
  const reader = res.body!.getReader();
  const parts: Uint8Array[] = [];
  let received = 0;
  onProgress(total ? 0 : null);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    received += value.length;
    onProgress(total ? received / total : null);
  }
  onProgress(1);
  return {
    blob: new Blob(parts as BlobPart[], { type: res.headers.get("Content-Type") ?? "" }),
    filename,
  };
}

// Offers a Blob to the user as a file download.
export function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// Query string from the defined values.
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") u.set(k, String(v));
  }
  const s = u.toString();
  return s ? "?" + s : "";
}
