import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import "./styles.css";
import { LiveAlerts } from "./alerts";
import { Link, match, navigate, useLocation } from "./router";
import { loadSession, logout, useSession } from "./session";
import { Loading, PageTitle } from "./ui";
import * as Auth from "./pages/auth";
import * as Public from "./pages/public";
import * as AuditPage from "./pages/audit";
import * as Resident from "./pages/resident";
import * as Police from "./pages/police";
import * as Plates from "./pages/plates";
import * as Legal from "./pages/legal";
import * as Admin from "./pages/admin";

// Pages take their path parameters (":id") as props.
type Page = (p: any) => preact.JSX.Element; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Route {
  path: string;
  page: Page;
  roles?: string[]; // absent: anyone
}

const POLICE = ["officer", "supervisor", "agency_admin"];
const FILERS = ["officer", "supervisor"];

const routes: Route[] = [
  { path: "/", page: Public.Home },
  { path: "/login", page: Auth.Login },
  { path: "/signup", page: Auth.Signup },
  { path: "/settings", page: Auth.Settings },
  { path: "/public/requests", page: Public.Feed },
  { path: "/public/reports", page: Public.Reports },
  { path: "/public/agencies", page: Public.Agencies },
  { path: "/public/agencies/:id", page: Public.AgencyPortal },
  { path: "/public/emergencies", page: Public.Emergencies },
  { path: "/audit", page: AuditPage.Audit },
  { path: "/cameras", page: Resident.Cameras, roles: ["resident"] },
  { path: "/cameras/new", page: Resident.NewCamera, roles: ["resident"] },
  { path: "/cameras/:id", page: Resident.CameraDetail, roles: ["resident"] },
  { path: "/clips", page: Resident.Clips, roles: ["resident"] },
  { path: "/inbox", page: Resident.Inbox, roles: ["resident"] },
  { path: "/inbox/:id", page: Resident.InboxItem, roles: ["resident"] },
  { path: "/history", page: Resident.History, roles: ["resident"] },
  { path: "/requests", page: Police.Requests, roles: POLICE },
  { path: "/requests/new", page: Police.NewRequest, roles: FILERS },
  { path: "/requests/:id", page: Police.RequestDetail, roles: POLICE },
  { path: "/approvals", page: Police.Approvals, roles: ["supervisor"] },
  { path: "/evidence", page: Police.Evidence, roles: POLICE },
  { path: "/evidence/:id", page: Police.EvidenceItem, roles: POLICE },
  { path: "/emergency/new", page: Police.NewEmergency, roles: FILERS },
  { path: "/agency/demands", page: Police.AgencyDemands, roles: POLICE },
  { path: "/plates/search", page: Plates.Search, roles: FILERS },
  { path: "/plates/hits", page: Plates.Hits, roles: POLICE },
  { path: "/plates/hotlists", page: Plates.HotLists, roles: POLICE },
  { path: "/plates/hotlists/:id", page: Plates.HotList, roles: POLICE },
  { path: "/plates/agreements", page: Plates.Agreements, roles: POLICE },
  { path: "/plates/readers", page: Plates.Readers, roles: POLICE },
  { path: "/staff", page: Admin.Staff, roles: ["agency_admin"] },
  { path: "/legal/demands", page: Legal.Demands, roles: ["legal"] },
  { path: "/legal/demands/new", page: Legal.NewDemand, roles: ["legal"] },
  { path: "/legal/demands/:id", page: Legal.DemandDetail, roles: ["legal"] },
  { path: "/legal/holds", page: Legal.Holds, roles: ["legal"] },
  { path: "/admin/agencies", page: Admin.Agencies, roles: ["admin"] },
  { path: "/admin/accounts", page: Admin.Accounts, roles: ["admin"] },
];

const publicNav: [string, string][] = [
  ["/public/requests", "Requests feed"],
  ["/public/reports", "Reports"],
  ["/public/agencies", "Agencies"],
  ["/public/emergencies", "Emergencies"],
  ["/audit", "Audit log"],
];

function navFor(role: string): [string, string][] {
  switch (role) {
    case "resident":
      return [["/cameras", "Cameras"], ["/clips", "Clips"], ["/inbox", "Requests for footage"], ["/history", "My history"]];
    case "officer":
      return [["/requests", "Requests"], ["/requests/new", "New request"], ["/evidence", "Evidence"], ["/plates/search", "Plate search"], ["/plates/hits", "Hits"], ["/plates/hotlists", "Hot lists"], ["/agency/demands", "Demands"]];
    case "supervisor":
      return [["/approvals", "Approvals"], ["/requests", "Requests"], ["/requests/new", "New request"], ["/evidence", "Evidence"], ["/plates/search", "Plate search"], ["/plates/hits", "Hits"], ["/plates/hotlists", "Hot lists"]];
    case "agency_admin":
      return [["/requests", "Requests"], ["/evidence", "Evidence"], ["/plates/hotlists", "Hot lists"], ["/plates/agreements", "Sharing agreements"], ["/plates/readers", "Readers"], ["/plates/hits", "Hits"], ["/staff", "Staff"]];
    case "legal":
      return [["/legal/demands", "Demands"], ["/legal/demands/new", "Record a demand"], ["/legal/holds", "Holds"]];
    case "admin":
      return [["/admin/agencies", "Agencies"], ["/admin/accounts", "Accounts"]];
    default:
      return [];
  }
}

function NotFound() {
  return (
    <>
      <PageTitle>Not found</PageTitle>
      <p>
        There is no page here. <Link href="/">Go to the start page</Link>.
      </p>
    </>
  );
}

function Forbidden(props: { roles: string[] }) {
  return (
    <>
      <PageTitle>Sign in needed</PageTitle>
      <p>This page is for: {props.roles.join(", ")}.</p>
      <p>
        <Link href={"/login?next=" + encodeURIComponent(location.pathname)}>Sign in</Link>
      </p>
    </>
  );
}

function App() {
  const session = useSession();
  const path = useLocation();
  const [ready, setReady] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => {
    loadSession().finally(() => setReady(true));
  }, []);
  useEffect(() => {
    setMenuOpen(false);
    document.getElementById("page-title")?.focus();
  }, [path]);

  const role = session.account?.role ?? "anonymous";
  let body: preact.JSX.Element = <NotFound />;
  for (const r of routes) {
    const params = match(r.path, path);
    if (!params) continue;
    if (r.roles && !r.roles.includes(role)) body = <Forbidden roles={r.roles} />;
    else body = <r.page {...params} />;
    break;
  }
  const here = path.split("?")[0];
  const nav = (items: [string, string][]) =>
    items.map(([href, label]) => (
      <li key={href}>
        <Link href={href} aria-current={here === href ? "page" : undefined}>
          {label}
        </Link>
      </li>
    ));

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link href="/" class="brand">
          Canvass
        </Link>
        <button class="menu-toggle" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <nav id="nav" class={menuOpen ? "open" : ""} aria-label="Main">
          {session.account && (
            <>
              <h2 class="nav-head">{session.account.display_name} ({role.replace("_", " ")})</h2>
              <ul>{nav(navFor(role))}</ul>
            </>
          )}
          <h2 class="nav-head">Public</h2>
          <ul>{nav(publicNav)}</ul>
          <ul class="account">
            {session.account ? (
              <li>
                <button
                  class="link"
                  onClick={async () => {
                    await logout();
                    navigate("/");
                  }}
                >
                  Sign out
                </button>
              </li>
            ) : (
              <li>
                <Link href="/login">Sign in</Link>
              </li>
            )}
            <li>
              <Link href="/settings">Settings</Link>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main">
        {ready ? body : <Loading />}
      </main>
      {session.account && <LiveAlerts account={session.account} />}
    </>
  );
}

render(<App />, document.getElementById("app")!);
