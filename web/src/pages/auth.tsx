import { useState } from "preact/hooks";
import { ApiError, post } from "../api";
import { tilesUrl } from "../map";
import { navigate, query } from "../router";
import { login } from "../session";
import { Field, Notice, PageTitle } from "../ui";

const HOME: Record<string, string> = {
  resident: "/inbox",
  officer: "/requests",
  supervisor: "/approvals",
  agency_admin: "/requests",
  legal: "/legal/demands",
  admin: "/admin/agencies",
  auditor: "/audit",
};

export function Login() {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      const s = await login(username.trim(), password);
      const next = query("next");
      navigate(next.startsWith("/") && !next.startsWith("//") ? next : HOME[s.account?.role] ?? "/");
    } catch (err) {
      setError((err as ApiError).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <PageTitle>Sign in</PageTitle>
      <form onSubmit={submit} class="narrow" novalidate>
        <Field label="Username" required>
          {(a) => <input {...a} autocomplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} />}
        </Field>
        <Field label="Password" required error={error}>
          {(a) => (
            <input {...a} type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          )}
        </Field>
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p>
        New resident? <a href="/signup">Create an account</a>. The demo prints its accounts and passwords when it starts.
      </p>
    </>
  );
}

export function Signup() {
  const [f, setF] = useState({ username: "", password: "", display_name: "" });
  const [err, setErr] = useState<ApiError | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setErr(null);
    try {
      await post("/api/v1/accounts", { ...f, display_name: f.display_name || undefined });
      await login(f.username, f.password);
      navigate("/cameras");
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  const fe = (name: string) => (err && err.fieldIn(["username", "password", "display_name"]) === name ? err.message : undefined);
  return (
    <>
      <PageTitle>Create a resident account</PageTitle>
      <form onSubmit={submit} class="narrow" novalidate>
        <Field label="Username" required error={fe("username")} hint="3 to 64 of a-z, 0-9, '.', '_', '-'">
          {(a) => <input {...a} autocomplete="username" value={f.username} onInput={(e) => setF({ ...f, username: e.currentTarget.value })} />}
        </Field>
        <Field label="Display name" error={fe("display_name")}>
          {(a) => <input {...a} value={f.display_name} onInput={(e) => setF({ ...f, display_name: e.currentTarget.value })} />}
        </Field>
        <Field label="Password" required error={fe("password")} hint="At least 10 characters">
          {(a) => (
            <input {...a} type="password" autocomplete="new-password" value={f.password} onInput={(e) => setF({ ...f, password: e.currentTarget.value })} />
          )}
        </Field>
        {err && !fe("username") && !fe("password") && !fe("display_name") && <p class="field-error" role="alert">{err.message}</p>}
        <button type="submit">Create account</button>
      </form>
    </>
  );
}

export function Settings() {
  const [url, setUrl] = useState(tilesUrl());
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState("");
  const save = (e: Event) => {
    e.preventDefault();
    setError("");
    if (url && !/^https:\/\/.+\{z\}.+\{x\}.+\{y\}/.test(url)) {
      setError("A tile URL is https:// with {z}, {x} and {y}, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png");
      return;
    }
    localStorage.setItem("canvass.tiles_url", url);
    setSaved(true);
  };
  return (
    <>
      <PageTitle>Settings</PageTitle>
      <form onSubmit={save} class="narrow" novalidate>
        <Field
          label="Map tile URL (optional)"
          error={error}
          hint="Empty: maps draw a plain grid and need no internet. Set a tile server to draw streets; it is kept in this browser only."
        >
          {(a) => <input {...a} type="url" value={url} placeholder="https://tile.openstreetmap.org/{z}/{x}/{y}.png" onInput={(e) => setUrl(e.currentTarget.value)} />}
        </Field>
        <button type="submit">Save</button>
        {saved && <Notice>Saved. Maps use it from the next page you open.</Notice>}
      </form>
    </>
  );
}
