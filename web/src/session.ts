// Who is signed in: GET /api/v1/me at start, POST /api/v1/sessions to log in.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, get, Json, setCsrf } from "./api";

export interface Session {
  account: Json | null; // null: anonymous
  agency: Json | null;
}

let current: Session = { account: null, agency: null };
const listeners = new Set<(s: Session) => void>();

function set(s: Session) {
  current = s;
  listeners.forEach((l) => l(s));
}

export function useSession(): Session {
  const [s, setS] = useState(current);
  useEffect(() => {
    listeners.add(setS);
    return () => void listeners.delete(setS);
  }, []);
  return s;
}

export function role(): string {
  return current.account?.role ?? "anonymous";
}

export async function loadSession(): Promise<Session> {
  try {
    const me = await get("/api/v1/me");
    setCsrf(me.csrf_token ?? "");
    set({ account: me.account, agency: me.agency ?? null });
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) console.warn(e);
    set({ account: null, agency: null });
  }
  return current;
}

export async function login(username: string, password: string): Promise<Session> {
  const r = await api("POST", "/api/v1/sessions", { username, password });
  setCsrf(r.csrf_token);
  return loadSession();
}

export async function logout() {
  try {
    await api("DELETE", "/api/v1/sessions/current");
  } finally {
    setCsrf("");
    set({ account: null, agency: null });
  }
}
