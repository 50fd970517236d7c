// The operator's admin (agencies, accounts) and an agency admin's staff page.
import { useState } from "preact/hooks";
import { ApiError, get, Json, post } from "../api";
import { MapView } from "../map";
import { useSession } from "../session";
import { ErrorBox, Field, Loading, PageTitle, Status, Time, useLoad } from "../ui";

const ROLES = ["resident", "officer", "supervisor", "agency_admin", "legal", "auditor", "admin"];

export function Agencies() {
  const { data, error, reload } = useLoad(() => get("/api/v1/agencies"));
  const [err, setErr] = useState<unknown>(null);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  return (
    <>
      <PageTitle>Agencies</PageTitle>
      <MapView
        label="Jurisdictions"
        fit
        polygons={data.agencies.map((a: Json) => ({ points: a.boundary, label: a.name }))}
        points={data.agencies.map((a: Json) => ({ lat: a.boundary[0][0], lng: a.boundary[0][1], label: a.name }))}
        height="260px"
      />
      <ErrorBox error={err} />
      <table>
        <thead>
          <tr>
            <th scope="col">Agency</th>
            <th scope="col">State</th>
            <th scope="col">Federal</th>
            <th scope="col">Verified</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {data.agencies.map((a: Json) => (
            <tr key={a.id}>
              <td>
                {a.name}
                <br />
                <span class="mono hint">{a.id}</span>
              </td>
              <td>{a.state}</td>
              <td>{a.federal ? "yes" : "no"}</td>
              <td>{a.verified ? <Time t={a.verified_at} /> : <Status s="pending" />}</td>
              <td>
                {!a.verified && (
                  <button
                    onClick={async () => {
                      try {
                        await post(`/api/v1/agencies/${a.id}/verify`);
                        reload();
                      } catch (e) {
                        setErr(e);
                      }
                    }}
                  >
                    Verify {a.name}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function AccountList(props: { agencyId?: string; roles: string[] }) {
  const { data, error, reload } = useLoad(() => get("/api/v1/accounts"));
  const me = useSession().account;
  const [f, setF] = useState({ username: "", display_name: "", password: "", role: props.roles[0], agency_id: props.agencyId ?? "" });
  const [err, setErr] = useState<ApiError | null>(null);
  const [actErr, setActErr] = useState<unknown>(null);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const fe = (n: string) => (err && err.fieldIn(["username", "password", "display_name", "role", "agency_id"]) === n ? err.message : undefined);
  return (
    <>
      <ErrorBox error={actErr} />
      <table>
        <thead>
          <tr>
            <th scope="col">Username</th>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Since</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {data.accounts.map((a: Json) => (
            <tr key={a.id}>
              <td>{a.username}</td>
              <td>{a.display_name}</td>
              <td>{a.role}</td>
              <td>
                <Time t={a.created_at} />
              </td>
              <td>
                {a.id !== me?.id && (
                  <button
                    class="secondary"
                    onClick={async () => {
                      try {
                        await post(`/api/v1/accounts/${a.id}/${a.disabled ? "enable" : "disable"}`);
                        reload();
                      } catch (e) {
                        setActErr(e);
                      }
                    }}
                  >
                    {a.disabled ? "Enable" : "Disable"} {a.username}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>New account</h2>
      <form
        class="narrow"
        novalidate
        onSubmit={async (e) => {
          e.preventDefault();
          setErr(null);
          try {
            await post("/api/v1/accounts", { ...f, agency_id: f.agency_id || undefined, display_name: f.display_name || undefined });
            setF({ ...f, username: "", display_name: "", password: "" });
            reload();
          } catch (x) {
            setErr(x as ApiError);
          }
        }}
      >
        <Field label="Username" required error={fe("username")}>
          {(a) => <input {...a} value={f.username} onInput={(e) => setF({ ...f, username: e.currentTarget.value })} />}
        </Field>
        <Field label="Display name" error={fe("display_name")}>
          {(a) => <input {...a} value={f.display_name} onInput={(e) => setF({ ...f, display_name: e.currentTarget.value })} />}
        </Field>
        <Field label="Initial password" required error={fe("password")} hint="At least 10 characters">
          {(a) => <input {...a} type="password" autocomplete="new-password" value={f.password} onInput={(e) => setF({ ...f, password: e.currentTarget.value })} />}
        </Field>
        <Field label="Role" error={fe("role")}>
          {(a) => (
            <select {...a} value={f.role} onChange={(e) => setF({ ...f, role: e.currentTarget.value })}>
              {props.roles.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          )}
        </Field>
        {!props.agencyId && ["officer", "supervisor", "agency_admin"].includes(f.role) && (
          <Field label="Agency id" required error={fe("agency_id")}>
            {(a) => <input {...a} class="mono" value={f.agency_id} onInput={(e) => setF({ ...f, agency_id: e.currentTarget.value })} />}
          </Field>
        )}
        {err && !["username", "password", "display_name", "role", "agency_id"].some((n) => fe(n)) && <ErrorBox error={err} />}
        <button type="submit">Create account</button>
      </form>
    </>
  );
}

export function Accounts() {
  return (
    <>
      <PageTitle>Accounts</PageTitle>
      <AccountList roles={ROLES} />
    </>
  );
}

export function Staff() {
  const s = useSession();
  return (
    <>
      <PageTitle>Staff</PageTitle>
      <AccountList agencyId={s.agency?.id} roles={["officer", "supervisor", "agency_admin"]} />
    </>
  );
}
