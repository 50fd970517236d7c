// Browser tests of the web UI: Debian's chromium, headless, driven by playwright-core, against
// a real `canvass demo` (fresh data directory, free loopback port). Each role's main flow end to
// end; screenshots of the main pages go to the artefacts directory.
//
//   node web/tests/browser.test.mjs [--canvass build/ci/canvass] [--artifacts build/web-artifacts]
//                                   [--chromium /usr/bin/chromium] [--only NAME]
//
// Run from the repository root (the server finds web/dist there; `make web-test` does this).
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const canvass = resolve(args.canvass ?? ["build/ci/canvass", "build/release/canvass"].find((p) => existsSync(p)) ?? "build/ci/canvass");
const artifacts = resolve(args.artifacts ?? "build/web-artifacts");
const chromiumPath = args.chromium ?? "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-sandbox",
];

if (!existsSync(canvass)) fail(`no canvass binary at ${canvass}; build it first (make check builds it)`);
if (!existsSync(chromiumPath)) fail(`no chromium at ${chromiumPath}; run scripts/setup.sh (apt: chromium)`);
if (!existsSync("web/dist/index.html")) fail("no web/dist; run `make web` first");
rmSync(artifacts, { recursive: true, force: true });
mkdirSync(artifacts, { recursive: true });

function fail(msg) {
  console.error("FAIL: " + msg);
  process.exit(1);
}
function assert(cond, msg) {
  if (!cond) throw new Error("assertion failed: " + msg);
}

// ---- the server ----
const dir = mkdtempSync(join(tmpdir(), "canvass-web-test-"));
// --no-agents: the demo town's traffic (edge agent, synthetic video) is not what these flows
// test, and it would keep writing under `dir` while the test cleans up.
const server = spawn(canvass, ["demo", "--no-agents", "--data-dir", join(dir, "demo"), "--listen", "127.0.0.1:0"], {
  stdio: ["ignore", "pipe", "pipe"],
});
let out = "";
let err = "";
server.stdout.on("data", (d) => (out += d));
server.stderr.on("data", (d) => (err += d));
const stopServer = () => {
  try {
    server.kill("SIGTERM");
  } catch {
    /* gone */
  }
};
process.on("exit", () => {
  stopServer();
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  } catch (e) {
    console.log(`note: could not remove ${dir}: ${e.message}`);
  }
});

const url = await new Promise((res, rej) => {
  const t0 = Date.now();
  const tick = setInterval(() => {
    const m = /Canvass demo is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
    if (m) {
      clearInterval(tick);
      res(m[1]);
    } else if (server.exitCode !== null || Date.now() - t0 > 120_000) {
      clearInterval(tick);
      rej(new Error("demo did not start:\n" + err.slice(-2000)));
    }
  }, 100);
}).catch((e) => fail(e.message));
const accounts = JSON.parse(readFileSync(join(dir, "demo", "demo-accounts.json"), "utf8"));
const account = (u) => accounts.find((a) => a.username === u);
console.log(`server ${url}, ${accounts.length} demo accounts`);

async function apiAs(username, path, init = {}) {
  const r = await fetch(url + path, { ...init, headers: { Authorization: "Bearer " + account(username).token, ...(init.headers ?? {}) } });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status} ${await r.text()}`);
  return r.headers.get("content-type")?.includes("json") ? r.json() : r.text();
}

// ---- the browser ----
const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_FLAGS });
const consoleErrors = [];
async function newPage(viewport = { width: 1280, height: 900 }) {
  const ctx = await browser.newContext({ viewport, acceptDownloads: true, baseURL: url });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20_000);
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 4\d\d|Failed to load resource/.test(m.text())) consoleErrors.push(m.text());
  });
  return page;
}
async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, name + ".png"), fullPage: true });
}
async function login(page, username) {
  await page.goto("/login");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(account(username).password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
}
const localInput = (ms) => new Date(ms - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16);

const results = [];
async function test(name, fn) {
  if (args.only && !name.includes(args.only)) return;
  const t0 = Date.now();
  try {
    await fn();
    results.push([name, "ok", Date.now() - t0]);
    console.log(`ok    ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    results.push([name, "FAIL", Date.now() - t0]);
    console.log(`FAIL  ${name}: ${e.stack ?? e}`);
    let n = 0;
    for (const p of browser.contexts().flatMap((c) => c.pages())) {
      const file = `FAILED-${name.replace(/[^a-z0-9]+/gi, "-").slice(0, 40)}-${++n}.png`;
      await p.screenshot({ path: join(artifacts, file), fullPage: true }).catch(() => {});
      const text = await p.locator("main").innerText().catch(() => "");
      console.log(`      page ${p.url()} (${file}):\n      ` + text.slice(0, 600).replace(/\n/g, "\n      "));
    }
  }
}

// Shared state between flows.
const state = {};
// resident.elm's doorbell: the first home of the demo town's ring (src/cli/demo_town.cc).
const ELM = { lat: 39.7817 + 300 / 111195, lng: -89.6501 };

await test("public: home, requests feed on a map, report with charts, emergencies", async () => {
  const page = await newPage();
  await page.goto("/");
  await page.getByRole("heading", { name: "Canvass", level: 1 }).waitFor();
  await shot(page, "public-home");
  await page.getByRole("link", { name: "Requests feed" }).first().click();
  await page.getByRole("heading", { name: "Public requests feed" }).waitFor();
  await page.locator(".leaflet-container").waitFor();
  assert((await page.locator("tbody tr").count()) >= 2, "the feed lists the demo's requests");
  assert((await page.locator("path.leaflet-interactive").count()) >= 2, "circles drawn on the map");
  assert((await page.locator("img.leaflet-tile").count()) === 0, "no external tiles by default");
  await shot(page, "public-feed");
  await page.goto("/public/reports");
  await page.getByText("Every figure").waitFor();
  assert((await page.locator("figure.chart").count()) >= 2, "bar charts drawn");
  await shot(page, "public-report");
  await page.goto("/public/emergencies");
  await page.getByRole("heading", { name: "Emergency disclosures" }).waitFor();
  await page.locator("tbody tr").first().waitFor();
  await page.goto("/public/agencies");
  await page.getByRole("link", { name: "Springfield Police Department" }).click();
  await page.getByRole("heading", { name: "Sharing agreements" }).waitFor();
  await shot(page, "public-agency-portal");
  await page.context().close();
});

await test("public: the audit page verifies the checkpoint signature and an inclusion proof", async () => {
  const page = await newPage();
  await page.goto("/audit");
  await page.getByTestId("signature-status").waitFor();
  const sig = await page.getByTestId("signature-status").innerText();
  assert(/verified/.test(sig), "signature verified: " + sig);
  await page.getByTestId("proof-status").waitFor();
  const proof = await page.getByTestId("proof-status").innerText();
  assert(/verified/.test(proof) && !/FAILED/.test(proof), "inclusion proof verified: " + proof);
  // An older leaf, opened from the list.
  await page.locator("ol.leaves details summary").last().click();
  await page.locator("ol.leaves details[open] button").click();
  await page.getByText(/Inclusion proof for leaf \d+: verified/).waitFor();
  await shot(page, "public-audit");
  await page.context().close();
});

let resident; // resident.elm stays signed in to receive the live request alert
await test("resident: cameras with privacy zones, clips with a player", async () => {
  resident = await newPage();
  await login(resident, "resident.elm");
  await resident.goto("/cameras");
  await resident.getByRole("heading", { name: "My cameras" }).waitFor();
  await resident.getByRole("link", { name: /Doorbell, Elm St/ }).click();
  await resident.getByRole("heading", { name: "Privacy zones" }).waitFor();
  const svg = resident.locator(".snapshot svg");
  await svg.scrollIntoViewIfNeeded();
  const box = await svg.boundingBox();
  for (const [x, y] of [[0.1, 0.1], [0.3, 0.1], [0.3, 0.3]]) await resident.mouse.click(box.x + x * box.width, box.y + y * box.height);
  await resident.getByRole("button", { name: /Close zone/ }).click();
  await resident.getByRole("button", { name: "Save zones" }).click();
  await resident.getByText("Zones saved.").waitFor();
  await shot(resident, "resident-camera");
  const cams = await apiAs("resident.elm", "/api/v1/cameras");
  assert(cams.cameras[0].privacy_zones.length === 2, "zone saved: " + JSON.stringify(cams.cameras[0].privacy_zones));
  await resident.goto("/clips");
  await resident.getByRole("button", { name: /^Play the clip/ }).first().click();
  await resident.locator("video[aria-label='Clip player']").waitFor();
  await resident.waitForFunction(() => document.querySelector("video[aria-label='Clip player']")?.readyState >= 1);
  await shot(resident, "resident-clips");
  await resident.goto("/inbox");
  await resident.getByRole("heading", { name: "Requests for footage" }).waitFor();
  await resident.getByText("Live alerts: live").waitFor();
});

let officer;
await test("officer: a refused request shows the policy's explanation; a good one opens", async () => {
  officer = await newPage();
  await login(officer, "ofc.chen");
  await officer.goto("/requests/new");
  await officer.getByLabel("Case number").fill("E2E-0001");
  await officer.getByLabel("Public description").fill("Identify the people at the protest outside city hall");
  await officer.locator(".leaflet-container").click({ position: { x: 200, y: 200 } });
  // The explanation before sending: the preview already flags the prohibited purpose.
  await officer.locator("table.decision tr.failed").filter({ hasText: "purpose_not_prohibited" }).first().waitFor();
  await officer.getByRole("button", { name: "File request" }).click();
  await officer.getByText("Refused by the policy.").waitFor();
  await officer.getByText(/lawful_protest is a prohibited purpose/).first().waitFor();
  await shot(officer, "officer-request-refused");

  await officer.getByLabel("Public description").fill("Burglary on Elm St; a person on foot seen near the doorbell camera");
  await officer.getByLabel("Centre latitude").fill(String(ELM.lat));
  await officer.getByLabel("Centre longitude").fill(String(ELM.lng));
  await officer.getByLabel("Radius (metres)").fill("150");
  await officer.getByLabel("Footage from").fill(localInput(Date.now() - 2 * 3600e3));
  await officer.getByLabel("Footage to").fill(localInput(Date.now() - 30 * 60e3));
  await officer.getByRole("button", { name: "File request" }).click();
  await officer.waitForURL(/\/requests\/req_/);
  await officer.getByText("Filed: open, owners have been asked.").waitFor();
  state.requestId = new URL(officer.url()).pathname.split("/").pop();
  await shot(officer, "officer-request");
});

await test("resident: the live alert leads to the inbox; shares one clip with faces blurred", async () => {
  assert(state.requestId, "the officer's request");
  await resident.locator(".alert-request").getByRole("link", { name: "Answer" }).click({ timeout: 30_000 });
  await resident.waitForURL(new RegExp(state.requestId));
  await resident.locator(".leaflet-container").waitFor();
  const boxes = resident.locator("ul.clip-choices input[type=checkbox]");
  assert((await boxes.count()) === 1, "exactly my one clip in the window");
  await boxes.first().check();
  await resident.getByLabel("Blur faces").check();
  await resident.getByRole("button", { name: "Share selected clips" }).click();
  await resident.getByText(/Shared 1 clip with faces blurred/).waitFor({ timeout: 120_000 });
  await shot(resident, "resident-inbox-shared");
  await resident.goto("/history");
  await resident.getByRole("heading", { name: "Clips I shared" }).waitFor();
  assert((await resident.locator("table").first().locator("tbody tr").count()) >= 2, "the demo's share and this one");
  await resident.getByRole("heading", { name: "Legal demands about me" }).waitFor();
  await shot(resident, "resident-history");
});

await test("resident: on a phone, the menu opens and the inbox reads well", async () => {
  const phone = await newPage({ width: 390, height: 844 });
  await login(phone, "resident.oak");
  await phone.getByRole("button", { name: "Menu" }).click();
  await phone.getByRole("link", { name: "My history" }).waitFor();
  await shot(phone, "phone-menu");
  await phone.getByRole("link", { name: "Requests for footage" }).click();
  await phone.getByRole("heading", { name: "Requests for footage" }).waitFor();
  await shot(phone, "phone-inbox");
  // Keyboard: on a fresh load the skip link is the first stop.
  await phone.goto("/inbox");
  await phone.getByRole("heading", { name: "Requests for footage" }).waitFor();
  await phone.keyboard.press("Tab");
  assert((await phone.evaluate(() => document.activeElement?.textContent)) === "Skip to content", "skip link first");
  await phone.context().close();
});

await test("officer: a plate search without a reason is refused, beside the reason field", async () => {
  await officer.goto("/plates/search");
  await officer.getByLabel("Plate").fill("ABC1234");
  await officer.getByRole("button", { name: "Search" }).click();
  await officer.getByText("Choose the offense type: every search needs one").waitFor();
  await officer.getByLabel("Offense type").selectOption("burglary");
  await officer.getByLabel("Case number").fill("E2E-0001");
  await officer.getByRole("button", { name: "Search" }).click();
  await officer.getByText("Search refused.").waitFor();
  await officer.locator(".field.has-error").filter({ hasText: "Reason" }).getByText(/at least 15/).waitFor();
  await shot(officer, "officer-plate-refused");
  await officer.getByLabel("Reason").fill("Grey sedan seen leaving the Elm St burglary");
  await officer.getByRole("button", { name: "Search" }).click();
  await officer.getByText(/^Searched \d+ readers/).waitFor();
  await shot(officer, "officer-plate-search");
});

await test("officer: the evidence locker plays the blurred clip, exports the case, and the export verifies", async () => {
  await officer.goto("/evidence?case_number=E2E-0001");
  await officer.locator("tbody tr").filter({ hasText: "faces blurred" }).first().waitFor();
  assert((await officer.locator("tbody tr").count()) === 1, "one item in the case");
  const [dl] = await Promise.all([officer.waitForEvent("download"), officer.getByRole("button", { name: "Export case" }).click()]);
  const tar = join(artifacts, "case-E2E-0001.tar");
  await dl.saveAs(tar);
  await officer.getByText(/saved\. Check it with/).waitFor();
  await shot(officer, "officer-evidence");
  const key = join(dir, "evidence.pub");
  writeFileSync(key, await (await fetch(url + "/api/v1/public/evidence-key")).text());
  const verify = execFileSync(canvass, ["evidence", "verify", tar, "--key", key], { encoding: "utf8" });
  console.log("      " + verify.trim().split("\n").pop());
  const manifest = JSON.parse(execFileSync("tar", ["-xOf", tar, "--wildcards", "*/manifest.json"], { encoding: "utf8" }));
  assert(manifest.items.length === 1 && manifest.items[0].faces_blurred, "one blurred item in the package");
  assert(manifest.items[0].custody.some((c) => c.action === "exported"), "the export is in the package's custody");
  await officer.locator("tbody tr a").first().click();
  await officer.getByRole("button", { name: /^Play/ }).click();
  await officer.locator("video[aria-label='Evidence player']").waitFor();
  await officer.locator("ol.custody li").filter({ hasText: "viewed" }).waitFor({ timeout: 10_000 }).catch(async () => {
    await officer.reload();
    await officer.locator("ol.custody li").filter({ hasText: "viewed" }).waitFor();
  });
  await shot(officer, "officer-evidence-item");
});

await test("supervisor: approves a wide request the officer filed", async () => {
  await officer.goto("/requests/new");
  await officer.getByLabel("Case number").fill("E2E-0002");
  await officer.getByLabel("Public description").fill("Vehicle stolen from a driveway; any street-facing camera");
  await officer.getByLabel("Centre latitude").fill("39.7817");
  await officer.getByLabel("Centre longitude").fill("-89.6501");
  await officer.getByLabel("Radius (metres)").fill("550");
  await officer.locator("table.decision tr.failed").filter({ hasText: "approval_radius" }).waitFor();
  await officer.getByRole("button", { name: "File request" }).click();
  await officer.getByText(/waiting for a supervisor's approval/).waitFor();
  const sup = await newPage();
  await login(sup, "sgt.miller");
  await sup.getByRole("heading", { name: "Approvals" }).waitFor();
  await sup.getByRole("link", { name: /E2E-0002/ }).click();
  await sup.getByLabel("Note").fill("Stolen vehicle; wider area justified");
  await sup.getByRole("button", { name: "Approve" }).click();
  await sup.locator(".badge", { hasText: "open" }).first().waitFor();
  await shot(sup, "supervisor-approved");
  await sup.context().close();
});

await test("agency admin: hot list with an entry, sharing agreements page", async () => {
  const admin = await newPage();
  await login(admin, "chief");
  await admin.goto("/plates/hotlists");
  await admin.getByLabel("New list name").fill("Stolen vehicles");
  await admin.getByRole("button", { name: "Create list" }).click();
  await admin.getByRole("link", { name: "Stolen vehicles" }).click();
  await admin.getByLabel("Plate").fill("ABC1234");
  await admin.getByLabel("Reason").fill("stolen vehicle");
  await admin.getByRole("button", { name: "Add entry" }).click();
  await admin.getByRole("cell", { name: "ABC1234", exact: true }).waitFor();
  await shot(admin, "admin-hotlist");
  await admin.goto("/plates/agreements");
  await admin.getByRole("heading", { name: "New agreement" }).waitFor();
  await shot(admin, "admin-agreements");
  await admin.context().close();
});

await test("legal: records a subpoena with its PDF, accepts it, produces and the production verifies", async () => {
  const maple = await apiAs("resident.maple", "/api/v1/me");
  const pdf = join(dir, "subpoena.pdf");
  writeFileSync(pdf, "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
  const page = await newPage();
  await login(page, "legal");
  await page.goto("/legal/demands/new");
  await page.getByLabel("Requesting agency").selectOption({ label: "Springfield Police Department" });
  await page.getByLabel("Issuing authority").fill("Sangamon County State's Attorney");
  await page.getByLabel("Docket number").fill("GJ-2026-E2E");
  await page.getByLabel("Subscriber records (accounts, cameras)").first().check();
  await page.getByLabel("Account ids").first().fill(maple.account.id);
  await page.getByLabel("Document (PDF)").setInputFiles(pdf);
  await page.getByRole("button", { name: "Record demand" }).click();
  await page.waitForURL(/\/legal\/demands\/dem_/);
  await page.getByRole("link", { name: "subpoena.pdf" }).waitFor();
  await page.getByLabel("accept").check();
  await page.getByLabel("Reason").fill("Grand jury subpoena for subscriber records only; within its terms.");
  await page.getByRole("button", { name: "Record decision" }).click();
  await page.locator(".badge", { hasText: "accepted" }).first().waitFor();
  await page.locator("table").filter({ hasText: "Account" }).locator(".badge", { hasText: "sent" }).waitFor();
  await page.getByRole("button", { name: "Build production" }).click();
  const [dl] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download production" }).click()]);
  const tar = join(artifacts, "production.tar");
  await dl.saveAs(tar);
  const key = join(dir, "evidence.pub");
  writeFileSync(key, await (await fetch(url + "/api/v1/public/evidence-key")).text());
  execFileSync(canvass, ["evidence", "verify", tar, "--key", key], { encoding: "utf8" });
  await shot(page, "legal-demand");
  await page.goto("/legal/holds");
  await page.getByRole("heading", { name: "Legal holds" }).waitFor();
  await shot(page, "legal-holds");
  // The resident was told: it shows in their history.
  const told = await apiAs("resident.maple", "/api/v1/me/demands");
  assert(told.demands.some((d) => d.docket_number === "GJ-2026-E2E" && d.told_at), "maple told of the demand");
  await page.context().close();
});

await browser.close();
stopServer();
const failed = results.filter((r) => r[1] !== "ok");
if (consoleErrors.length) console.log("browser console errors:\n  " + consoleErrors.slice(0, 20).join("\n  "));
console.log(`\n${results.length - failed.length} passed, ${failed.length} failed; screenshots in ${artifacts}`);
process.exit(failed.length || (consoleErrors.length && !args["allow-console-errors"]) ? 1 : 0);
