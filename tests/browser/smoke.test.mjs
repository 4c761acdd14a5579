// The web bundle in a real browser: Debian's Chromium, headless, driven by playwright-core.
// `cargo xtask test` builds and serves the bundle and sets FLOWKATA_URL; to run it by hand,
// start `cargo xtask serve` and run `FLOWKATA_URL=http://127.0.0.1:8080/ npm test` here.
import { test as nodeTest } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

// `cargo xtask test` runs this file in two processes at once, FLOWKATA_BROWSER_HALF=1 and 2:
// the first runs the tests whose names match FIRST_HALF, the second every other one, so each
// test runs exactly once. Unset, every test runs.
const HALF = process.env.FLOWKATA_BROWSER_HALF;
const FIRST_HALF = /animated board|a level loads/;
function test(name, options, fn) {
  if (!HALF || (HALF === "1") === FIRST_HALF.test(name)) nodeTest(name, options, fn);
}

const BASE = process.env.FLOWKATA_URL ?? "http://127.0.0.1:8080/";
const SHOTS = process.env.FLOWKATA_SHOTS ?? join(import.meta.dirname, "../../target/browser");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
// Bevy on the web throws this on purpose at start-up; it is the only page error allowed.
const CONTROL_FLOW = "Using exceptions for control flow";
// Software WebGL2 through SwiftShader, and no background traffic to hosts this machine cannot reach.
const FLAGS = [
  "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist",
  "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

async function openGame(browser, query, viewport = { width: 1440, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const problems = { pageErrors: [], foreignRequests: [] };
  const origin = new URL(BASE).origin;
  page.on("pageerror", (e) => {
    if (!String(e).includes(CONTROL_FLOW)) problems.pageErrors.push(String(e));
  });
  page.on("request", (r) => {
    if (!r.url().startsWith(origin)) problems.foreignRequests.push(r.url());
  });
  const started = Date.now();
  await page.goto(BASE + query);
  await page.waitForFunction(() => window.__flowkata?.ready === true, null, { timeout: 240_000 });
  return { page, problems, readyAfterMs: Date.now() - started };
}

// Waits until the page has drawn `n` more frames (the page state's `frame`): how a test lets
// the game see an input or lay a window out, never a fixed time.
async function waitFrames(page, n = 2) {
  const f = await page.evaluate(() => window.__flowkata.frame);
  await page.waitForFunction(([f, n]) => window.__flowkata.frame >= f + n, [f, n], { timeout: 60_000 });
}

// Where the page says its widget `name` is (the page state's `widgets`: centre and size in
// CSS pixels, published only where a click reaches it), once it has stayed in place from
// one frame to the next (a new egui window lays itself out over its first frames).
async function widget(page, name) {
  let last = null;
  for (let i = 0; i < 30; i++) {
    const at = await (await page.waitForFunction((n) => window.__flowkata.widgets?.[n] ?? false, name, { timeout: 60_000 })).jsonValue();
    if (last && last.x === at.x && last.y === at.y) return at;
    last = at;
    await waitFrames(page, 1);
  }
  throw new Error(`the widget ${name} did not stay in place`);
}

// Clicks the widget `name` as a player would: the pointer moves onto it and rests there for
// a frame (egui learns what it hovers), then presses and releases at once (egui counts a
// press held longer than 0.8 s of its time as no click, and SwiftShader frames are slow).
async function click(page, name) {
  const at = await widget(page, name);
  await page.mouse.move(at.x, at.y);
  await waitFrames(page, 1);
  await page.mouse.down();
  await page.mouse.up();
  await waitFrames(page, 2);
}

// A level opened from a link shows its briefing first, with the clock stopped at 0 (the page
// says so: briefing, screen Play, simTime 0); the test starts it as a player would, by the
// ▶ Start button (`by: "click"`) or by Enter.
async function startFromBriefing(page, by = "click", shot = null) {
  const s = await (await page.waitForFunction(() => window.__flowkata.briefing === true && window.__flowkata, null, { timeout: 60_000 })).jsonValue();
  assert.equal(s.screen, "Play");
  assert.equal(s.simTime, 0, "the clock stands still while the briefing is open");
  await waitFrames(page, 3);
  assert.equal(await page.evaluate(() => window.__flowkata.simTime), 0, "and stays still");
  if (shot) await page.screenshot({ path: join(SHOTS, shot) });
  if (by === "click") {
    await click(page, "briefing.start");
  } else {
    await page.keyboard.press("Enter");
  }
  await page.waitForFunction(() => window.__flowkata.briefing === false, null, { timeout: 60_000 });
}

test("a level loads, plays and reaches its debrief in headless Chromium", { timeout: 600_000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  try {
    // Title screen.
    const title = await openGame(browser, "");
    console.log(`title screen ready ${title.readyAfterMs} ms after navigation`);
    assert.equal(await title.page.evaluate(() => window.__flowkata.screen), "Title");
    assert.equal(await title.page.$eval("#loading", (el) => el.hidden), true, "the loading indicator is gone");
    await title.page.screenshot({ path: join(SHOTS, "title.png") });
    assert.deepEqual(title.problems, { pageErrors: [], foreignRequests: [] });
    await title.page.close();

    // A level started from the address, as a facilitator would share it.
    const play = await openGame(browser, "?level=phoenix&seed=3&speed=16");
    console.log(`level ready ${play.readyAfterMs} ms after navigation`);
    await startFromBriefing(play.page, "enter");
    const state = await play.page.evaluate(() => ({ ...window.__flowkata }));
    assert.equal(state.screen, "Play");
    assert.equal(state.level, "phoenix");
    assert.equal(state.seed, 3);
    const t0 = state.simTime;
    await play.page.waitForFunction((t) => window.__flowkata.simTime > t + 120, t0, { timeout: 120_000 });
    const t1 = await play.page.evaluate(() => window.__flowkata.simTime);
    assert.ok(t1 > t0 + 120, `the simulation advanced (${t0} → ${t1} sim minutes)`);
    await play.page.screenshot({ path: join(SHOTS, "play.png") });

    // Let it run to the end: the debrief with its charts.
    await play.page.waitForFunction(() => window.__flowkata.screen === "Debrief", null, { timeout: 400_000 });
    const end = await play.page.evaluate(() => ({ ...window.__flowkata }));
    assert.equal(end.finished, true);
    assert.ok(Number.isFinite(end.score));
    // Same level, seed and (empty) command log as the native run xtask made with flowkata-cli:
    // the browser's run must be the same, bit for bit.
    // The native hash is required: without it this test would prove nothing about wasm.
    const expectedHash = process.env.FLOWKATA_EXPECTED_HASH;
    assert.match(expectedHash ?? "", /^[0-9a-f]{64}$/,
      "FLOWKATA_EXPECTED_HASH (the native state hash of phoenix, seed 3) is missing: run the browser tests through `cargo xtask test`");
    assert.equal(end.stateHash, expectedHash, "wasm and native runs differ");
    await play.page.screenshot({ path: join(SHOTS, "debrief.png") });
    assert.deepEqual(play.problems, { pageErrors: [], foreignRequests: [] });
  } finally {
    await browser.close();
  }
});

// The campaign: level 1 played to its debrief with its lesson applied (refuse the favours),
// then a reload of the page finds level 2 open: progress lives in the browser's local
// storage. The clicks land where the page says its widgets are; each is checked through the
// page state, so a missed click fails here with a screenshot instead of passing silently.
test("the first campaign level, played to its debrief, opens the second after a reload", { timeout: 600_000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  try {
    const { page, problems } = await openGame(browser, "?level=first-day&seed=1");
    await startFromBriefing(page, "click", "briefing-first-day.png");
    const start = await page.evaluate(() => ({ ...window.__flowkata }));
    assert.equal(start.screen, "Play");
    assert.equal(start.level, "first-day");
    assert.deepEqual(start.unlocked, ["first-day"], "a fresh browser has only level 1 open");
    await page.screenshot({ path: join(SHOTS, "campaign-level-1.png") });

    // The level's one decision, in the controls panel: refuse "Favours for marketing".
    await click(page, "intake.Favours for marketing");
    try {
      await page.waitForFunction(() => window.__flowkata.commands === 1, null, { timeout: 20_000 });
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, "campaign-click-missed.png") });
      assert.fail("the click did not reach the 'Favours for marketing' checkbox (see campaign-click-missed.png)");
    }
    // 16× from the HUD, then to the end.
    await click(page, "hud.speed.16");
    await page.waitForFunction(() => window.__flowkata.screen === "Debrief", null, { timeout: 400_000 });
    const end = await page.evaluate(() => ({ ...window.__flowkata }));
    assert.equal(end.finished, true);
    assert.ok(end.stars >= 1, `the lesson applied earns a star (got ${end.stars})`);
    assert.ok(end.unlocked.includes("wip-limits"), "level 2 opens at once");
    await page.screenshot({ path: join(SHOTS, "campaign-debrief.png") });

    // A reload: the campaign screen, with level 2 still open.
    await page.goto(BASE);
    await page.waitForFunction(() => window.__flowkata?.ready === true, null, { timeout: 240_000 });
    const after = await page.evaluate(() => ({ ...window.__flowkata }));
    assert.equal(after.screen, "Title");
    assert.deepEqual(after.unlocked, ["first-day", "wip-limits"], "progress survived the reload");
    await page.screenshot({ path: join(SHOTS, "campaign.png") });
    const saved = JSON.parse(await page.evaluate(() => localStorage.getItem("flowkata.progress")));
    assert.equal(saved.kind, "flowkata-progress");
    assert.ok(saved.levels["first-day"].stars >= 1);

    // A corrupt saved value: a fresh start with a notice, not a panic.
    await page.evaluate(() => localStorage.setItem("flowkata.progress", "{ not json"));
    await page.reload();
    await page.waitForFunction(() => window.__flowkata?.ready === true, null, { timeout: 240_000 });
    const fresh = await page.evaluate(() => ({ ...window.__flowkata }));
    assert.equal(fresh.screen, "Title");
    assert.deepEqual(fresh.unlocked, ["first-day"], "a corrupt value starts afresh");
    await page.screenshot({ path: join(SHOTS, "campaign-corrupt-progress.png") });
    assert.deepEqual(problems, { pageErrors: [], foreignRequests: [] });
  } finally {
    await browser.close();
  }
});

// Drops files on the page as a person would: a DragEvent carrying File objects.
async function drop(page, files) {
  await page.evaluate((files) => {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(new File([f.text], f.name, { type: "application/json" }));
    document.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files);
}

// Workshops: a run handed in as a link opens verified; a run file with one byte of its score
// changed is refused naming the field; the Compare screen ranks three teams by score; a
// drill link waits for the first round's storyboard; a reload works offline.
test("runs open verified, tampering is caught, Compare ranks the teams, a drill waits for its plan, a reload works offline", { timeout: 600_000 }, async (t) => {
  const dir = process.env.FLOWKATA_RUNS;
  if (!dir) {
    t.skip("FLOWKATA_RUNS is not set (cargo xtask test writes the run files)");
    return;
  }
  const { readFileSync } = await import("node:fs");
  const files = ["team-a.json", "team-b.json", "team-c.json"].map((name) => ({ name, text: readFileSync(join(dir, name), "utf8") }));
  const runs = files.map((f) => JSON.parse(f.text));
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  try {
    // A run link (built the way the game and flowkata-cli link build it) in a fresh page.
    const title = await openGame(browser, "");
    const link = await title.page.evaluate(async (text) => {
      // DEFLATE (raw) + base64url: the browser's own CompressionStream, as a second implementation.
      const compact = JSON.stringify(JSON.parse(text));
      const stream = new Blob([compact]).stream().pipeThrough(new CompressionStream("deflate-raw"));
      const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
      let bin = "";
      for (const b of bytes) bin += String.fromCharCode(b);
      return btoa(bin).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    }, files[0].text);
    await title.page.close();
    const opened = await openGame(browser, `#run=${link}`);
    await opened.page.waitForFunction(() => window.__flowkata.screen === "Debrief", null, { timeout: 60_000 });
    const st = await opened.page.evaluate(() => ({ ...window.__flowkata }));
    assert.ok(st.opened?.startsWith("Verified"), `the run link opens verified: ${st.opened}`);
    assert.equal(st.stateHash, runs[0].state_hash, "the replay in the browser is the run in the file");
    await opened.page.screenshot({ path: join(SHOTS, "opened-run.png") });

    // One byte of the score changed, dropped on the page: refused, naming the field.
    const tampered = files[1].text.replace(/"score": (\d)/, (_, d) => `"score": ${(Number(d) + 1) % 10}`);
    assert.notEqual(tampered, files[1].text);
    await drop(opened.page, [{ name: "team-b.json", text: tampered }]);
    await opened.page.waitForFunction(() => window.__flowkata.screen === "Title", null, { timeout: 60_000 });
    const refused = await opened.page.evaluate(() => window.__flowkata.problem);
    assert.match(refused, /NOT verified/);
    assert.match(refused, /headline\.score/);
    await opened.page.screenshot({ path: join(SHOTS, "tampered-run.png") });
    assert.deepEqual(opened.problems, { pageErrors: [], foreignRequests: [] });
    await opened.page.close();

    // A whole phoenix run (written natively) opened in the browser: the time to verify it.
    const phoenixRun = readFileSync(join(dir, "phoenix.json"), "utf8");
    const ph = await openGame(browser, "");
    const ph0 = Date.now();
    await drop(ph.page, [{ name: "phoenix.json", text: phoenixRun }]);
    await ph.page.waitForFunction(() => window.__flowkata.screen === "Debrief", null, { timeout: 60_000 });
    console.log(`a phoenix run file (${phoenixRun.length} bytes) opened and verified in ${Date.now() - ph0} ms (including frame latency)`);
    assert.equal(await ph.page.evaluate(() => window.__flowkata.stateHash), JSON.parse(phoenixRun).state_hash);
    await ph.page.close();

    // The facilitator's Compare screen with the three runs: ranked by score.
    const cmp = await openGame(browser, "?compare");
    assert.equal(await cmp.page.evaluate(() => window.__flowkata.screen), "Compare");
    await drop(cmp.page, files);
    await cmp.page.waitForFunction(() => (window.__flowkata.compare ?? []).length === 3, null, { timeout: 120_000 });
    const rows = await cmp.page.evaluate(() => window.__flowkata.compare);
    const expected = runs.map((r) => r.team).sort((a, b) => runs.find((r) => r.team === b).headline.score - runs.find((r) => r.team === a).headline.score);
    assert.deepEqual(rows.map((r) => r.team), expected, "ranked by score, highest first");
    assert.ok(rows.every((r) => r.status === "verified"), JSON.stringify(rows));
    await cmp.page.screenshot({ path: join(SHOTS, "compare.png") });
    assert.deepEqual(cmp.problems, { pageErrors: [], foreignRequests: [] });
    await cmp.page.close();

    // A drill link: the first round waits, paused, for the team's storyboard.
    const drill = await openGame(browser, "?level=first-day&seed=1&rounds=2&round_days=0.5&minutes=5");
    const d = await drill.page.evaluate(() => ({ ...window.__flowkata }));
    assert.equal(d.screen, "Play");
    assert.deepEqual(d.drill, { rounds: 2, planned: 0, reviewing: null });
    await waitFrames(drill.page, 10);
    assert.equal(await drill.page.evaluate(() => window.__flowkata.simTime), 0, "no round starts before its plan");
    await drill.page.screenshot({ path: join(SHOTS, "drill-plan.png") });

    // Plan round 1 through the form (clicks where the page says its widgets are, each checked
    // through the page state): refuse the favours (a standing decision, allowed now), write
    // the experiment, start the round at 16×.
    const expect = async (what, fn, arg, shot) => {
      try {
        await drill.page.waitForFunction(fn, arg, { timeout: 60_000 });
      } catch (e) {
        await drill.page.screenshot({ path: join(SHOTS, shot) });
        assert.fail(`${what} (see ${shot})`);
      }
    };
    await click(drill.page, "intake.Favours for marketing");
    await expect("the click reached 'Favours for marketing'", () => window.__flowkata.commands === 1, null, "drill-missed-favours.png");
    // Types into the text field `name` once egui has given it the keyboard (a key sent
    // before that, between slow frames, would be lost).
    const typeAt = async (name, text) => {
      await click(drill.page, name);
      await drill.page.waitForFunction(() => window.__flowkata.textFocus === true, null, { timeout: 30_000 });
      await drill.page.keyboard.type(text, { delay: 80 });
    };
    await typeAt("plan.experiment", "no-favours");
    await click(drill.page, "plan.start");
    await expect("'Start the round' started round 1", () => window.__flowkata.drill.planned === 1 && window.__flowkata.simTime > 0, null, "drill-missed-start.png");
    await drill.page.keyboard.press("5");
    await expect("round 1 ends in its review", () => window.__flowkata.drill.reviewing === 0, null, "drill-no-review.png");
    await waitFrames(drill.page, 5);
    assert.equal(await drill.page.evaluate(() => window.__flowkata.simTime), 240, "the clock stops at the round's end");
    await drill.page.screenshot({ path: join(SHOTS, "drill-review.png") });
    // What we learned; plan round 2 the same way; play it; its review; download the run.
    await typeAt("review.learned", "queue-fell");
    await click(drill.page, "review.next");
    await expect("the review closed into the plan of round 2", () => window.__flowkata.drill.reviewing === null, null, "drill-review-stuck.png");
    await typeAt("plan.experiment", "same-again");
    await click(drill.page, "plan.start");
    await expect("round 2 started", () => window.__flowkata.drill.planned === 2 && window.__flowkata.simTime > 240, null, "drill-missed-start-2.png");
    await drill.page.keyboard.press("5");
    await expect("round 2 ends in its review", () => window.__flowkata.drill.reviewing === 1, null, "drill-no-review-2.png");
    const [download] = await Promise.all([drill.page.waitForEvent("download", { timeout: 30_000 }), click(drill.page, "hud.download")]);
    const handedIn = readFileSync(await download.path(), "utf8");
    const story = JSON.parse(handedIn).storyboard;
    assert.equal(story.rounds.length, 2);
    assert.equal(story.rounds[0].experiment, "no-favours");
    assert.equal(story.rounds[0].learned, "queue-fell");
    assert.ok(story.rounds.every((r) => Number.isFinite(r.result)), "both rounds measured");
    await click(drill.page, "review.next");
    await expect("the debrief follows the last review", () => window.__flowkata.screen === "Debrief", null, "drill-no-debrief.png");
    await drill.page.screenshot({ path: join(SHOTS, "drill-debrief.png") });

    // The page's panic overlay (what the game's panic hook calls): it says what happened
    // and offers the last autosave, which is this tab's drill run.
    await drill.page.evaluate(() => window.__flowkataPanic("panicked at a test: boom"));
    assert.equal(await drill.page.$eval("#crash", (el) => el.hidden), false);
    assert.match(await drill.page.$eval("#crash-message", (el) => el.textContent), /boom/);
    const [rescued] = await Promise.all([drill.page.waitForEvent("download", { timeout: 30_000 }), drill.page.click("#crash-download")]);
    const autosaved = JSON.parse(readFileSync(await rescued.path(), "utf8"));
    assert.equal(autosaved.kind, "flowkata-run");
    assert.equal(autosaved.storyboard.rounds.length, 2, "the autosave has the whole storyboard");
    await drill.page.screenshot({ path: join(SHOTS, "panic-overlay.png") });

    // The handed-in drill run, opened in a fresh page: verified, storyboard and all.
    const fresh = await openGame(browser, "");
    const t0 = Date.now();
    await drop(fresh.page, [{ name: download.suggestedFilename(), text: handedIn }]);
    await fresh.page.waitForFunction(() => window.__flowkata.screen === "Debrief", null, { timeout: 60_000 });
    console.log(`a handed-in drill run opened and verified in ${Date.now() - t0} ms (including frame latency)`);
    assert.ok((await fresh.page.evaluate(() => window.__flowkata.opened)).startsWith("Verified"));
    await fresh.page.screenshot({ path: join(SHOTS, "drill-opened.png") });
    assert.deepEqual(fresh.problems, { pageErrors: [], foreignRequests: [] });
    await fresh.page.close();

    // The facilitator compares this team's drill with two other teams' runs of the same
    // drill: all verified, ranked by score, this team's storyboard shown.
    const others = ["drill-x.json", "drill-y.json"].map((name) => ({ name, text: readFileSync(join(dir, name), "utf8") }));
    const room = await openGame(browser, "?compare");
    await drop(room.page, [{ name: "ours.json", text: handedIn }, ...others]);
    await room.page.waitForFunction(() => (window.__flowkata.compare ?? []).length === 3, null, { timeout: 120_000 });
    const table = await room.page.evaluate(() => window.__flowkata.compare);
    assert.ok(table.every((r) => r.status === "verified"), JSON.stringify(table));
    const scores = table.map((r) => r.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a), "ranked by score");
    await room.page.screenshot({ path: join(SHOTS, "compare-drill.png") });
    await room.page.close();

    // Offline: the service worker serves the cached bundle on a reload.
    await drill.page.evaluate(() => navigator.serviceWorker.ready);
    await drill.page.context().setOffline(true);
    await drill.page.reload();
    await drill.page.waitForFunction(() => window.__flowkata?.ready === true, null, { timeout: 240_000 });
    assert.equal(await drill.page.evaluate(() => window.__flowkata.screen), "Play", "the drill link reloads offline");
    await drill.page.context().setOffline(false);
    assert.deepEqual(drill.problems.pageErrors, []);
  } finally {
    await browser.close();
  }
});

// The debrief of a whole phoenix run: the luck band over 1,000 seeds runs in the page (the
// same figures as flowkata-cli luck natively), every tab shows (a screenshot each), and the
// time scrub replays the run to the events it jumps to.
test("the debrief's views, the luck band over 1,000 seeds and the time scrub", { timeout: 600_000 }, async (t) => {
  const dir = process.env.FLOWKATA_RUNS;
  if (!dir) {
    t.skip("FLOWKATA_RUNS is not set (cargo xtask test writes the run files)");
    return;
  }
  const { readFileSync } = await import("node:fs");
  const phoenixRun = readFileSync(join(dir, "phoenix.json"), "utf8");
  const native = JSON.parse(readFileSync(join(dir, "phoenix-luck.json"), "utf8"));
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  try {
    const g = await openGame(browser, "?luck=1000");
    await drop(g.page, [{ name: "phoenix.json", text: phoenixRun }]);
    await g.page.waitForFunction(() => window.__flowkata.screen === "Debrief", null, { timeout: 60_000 });
    const shot = async (name) => g.page.screenshot({ path: join(SHOTS, name) });
    const expect = async (what, fn, arg, name) => {
      try {
        await g.page.waitForFunction(fn, arg, { timeout: 60_000 });
      } catch (e) {
        await shot(name);
        throw new Error(`${what}: not seen within 60 s (screenshot ${name})`);
      }
    };

    // The luck band, spread over frames: the page keeps drawing while it runs.
    await g.page.keyboard.press("7");
    await expect("the Luck tab", () => window.__flowkata.debrief?.tab === "Luck vs skill", null, "debrief-no-luck-tab.png");
    const during = await g.page.evaluate(() => window.__flowkata.debrief.luck);
    await g.page.waitForFunction(() => window.__flowkata.debrief.luck.done === window.__flowkata.debrief.luck.total, null, { timeout: 240_000 });
    const luck = await g.page.evaluate(() => window.__flowkata.debrief.luck);
    console.log(`luck band: ${luck.total} phoenix seeds (each run twice) in ${luck.computeMs.toFixed(0)} ms of computing, ${luck.wallMs.toFixed(0)} ms on the wall (first seen at ${during.done}/${during.total})`);
    assert.equal(luck.total, 1000);
    assert.equal(luck.beats, native.beats_baseline, "the browser's share equals the native analysis");
    assert.equal(luck.percentile, native.percentile, "the browser's percentile equals the native analysis");
    assert.match(luck.skill, /^Your decisions beat doing nothing on \d+% of seeds/);
    assert.match(luck.luck, /^This run's luck: your score is at the \d+(st|nd|rd|th) percentile of what your decisions earn\.$/);
    await shot("debrief-7-luck.png");

    // Every other tab, with a screenshot.
    const tabs = ["Summary", "Cumulative flow", "Lead time", "Utilization vs wait", "Where the time went", "DORA", "Luck vs skill", "Replay"];
    for (const [i, label] of tabs.entries()) {
      if (i === 6) continue;
      await g.page.keyboard.press(String(i + 1));
      await expect(`tab ${label}`, (l) => window.__flowkata.debrief.tab === l, label, `debrief-missed-tab-${i + 1}.png`);
      await waitFrames(g.page, 2);
      await shot(`debrief-${i + 1}-${label.toLowerCase().replaceAll(" ", "-")}.png`);
    }

    // The scrub: Home, then the next event; the replayed view sits exactly there.
    await g.page.keyboard.press("Home");
    await expect("Home goes to the start", () => window.__flowkata.debrief.scrub.t === 0, null, "scrub-no-home.png");
    await g.page.keyboard.press("ArrowRight");
    await expect("→ jumps to the next event", () => window.__flowkata.debrief.scrub.t > 0, null, "scrub-no-next.png");
    const at = await g.page.evaluate(() => window.__flowkata.debrief.scrub);
    assert.equal(at.viewTime, at.t, "the board shows the state at the scrub's time");
    await g.page.keyboard.press("Space");
    await expect("Space plays the scrub", () => window.__flowkata.debrief.scrub.playing === true, null, "scrub-no-play.png");
    await g.page.waitForFunction((t0) => window.__flowkata.debrief.scrub.t > t0 + 30, at.t, { timeout: 60_000 });
    // The frame time with the scrub playing on the Replay tab.
    const frames = await g.page.evaluate(() => new Promise((resolve) => {
      const ts = [];
      const step = (now) => {
        ts.push(now);
        if (ts.length < 61) requestAnimationFrame(step);
        else resolve(ts.slice(1).map((t, i) => t - ts[i]));
      };
      requestAnimationFrame(step);
    }));
    frames.sort((a, b) => a - b);
    console.log(`debrief with the scrub playing: median frame ${frames[30].toFixed(1)} ms, p90 ${frames[54].toFixed(1)} ms (headless Chromium, SwiftShader)`);
    await shot("debrief-8-replay-playing.png");
    await g.page.keyboard.press("End");
    await expect("End goes to the end", () => window.__flowkata.debrief.scrub.t === window.__flowkata.debrief.scrub.end, null, "scrub-no-end.png");
    assert.deepEqual(g.problems, { pageErrors: [], foreignRequests: [] });
    await g.page.close();

    // The live charts during play: G opens them.
    const p = await openGame(browser, "?level=phoenix&seed=3&speed=16");
    await startFromBriefing(p.page, "enter");
    await p.page.waitForFunction(() => window.__flowkata.simTime > 600, null, { timeout: 120_000 });
    await p.page.keyboard.press("g");
    await p.page.waitForFunction(() => window.__flowkata.liveCharts === true, null, { timeout: 30_000 });
    await waitFrames(p.page, 2);
    await p.page.screenshot({ path: join(SHOTS, "play-live-charts.png") });
    assert.deepEqual(p.problems, { pageErrors: [], foreignRequests: [] });
    await p.page.close();
  } finally {
    await browser.close();
  }
});

// Help and display: H opens the overlay of every shortcut; + makes the text larger, and a
// reload remembers it.
test("the help overlay, and the text size remembered across a reload", { timeout: 300_000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  try {
    const g = await openGame(browser, "");
    await g.page.keyboard.press("h");
    await g.page.waitForFunction(() => window.__flowkata.help === true, null, { timeout: 30_000 });
    await waitFrames(g.page, 3);
    await g.page.screenshot({ path: join(SHOTS, "help.png") });
    await g.page.keyboard.press("Escape");
    await g.page.waitForFunction(() => window.__flowkata.help === false, null, { timeout: 30_000 });
    assert.equal(await g.page.evaluate(() => window.__flowkata.uiScale), 1);
    await g.page.keyboard.press("Equal");
    await g.page.waitForFunction(() => window.__flowkata.uiScale > 1, null, { timeout: 30_000 });
    const larger = await g.page.evaluate(() => window.__flowkata.uiScale);
    await waitFrames(g.page, 2); // the frame that changed the size saved it
    await g.page.reload();
    await g.page.waitForFunction(() => window.__flowkata?.ready === true, null, { timeout: 240_000 });
    assert.equal(await g.page.evaluate(() => window.__flowkata.uiScale), larger, "the text size is remembered");
    await g.page.screenshot({ path: join(SHOTS, "campaign-larger-text.png") });
    assert.deepEqual(g.problems, { pageErrors: [], foreignRequests: [] });
  } finally {
    await browser.close();
  }
});

// The animated board: a busy board and an outage, at 1280×720 and 1920×1080 (screenshots);
// a real click on a token opens its inspector and one on an alarm selects the outage
// (Bevy's picking in the browser); and the frame time with 2,000 items in flight.
test("the animated board: busy and in an outage at two window sizes, picking, and 2,000 items", { timeout: 600_000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  const { readFileSync } = await import("node:fs");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  const frameTimes = async (page) => {
    const frames = await page.evaluate(() => new Promise((resolve) => {
      const ts = [];
      const step = (t) => {
        ts.push(t);
        if (ts.length < 61) requestAnimationFrame(step);
        else resolve(ts.slice(1).map((t, i) => t - ts[i]));
      };
      requestAnimationFrame(step);
    }));
    frames.sort((a, b) => a - b);
    return { median: frames[30], p90: frames[54] };
  };
  // As a player clicks: the pointer rests on the target for a few frames (Bevy's picking
  // hovers before it presses), then presses and releases, each in frames of their own. A
  // click that missed (the target moved between frames) is tried again, each time at the
  // target's current place.
  const pick = async (page, where, picked) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const at = await page.evaluate(where);
      await page.mouse.move(at.x, at.y);
      await waitFrames(page, 3);
      await page.mouse.down();
      await waitFrames(page, 2);
      await page.mouse.up();
      try {
        await page.waitForFunction(picked, at.id, { timeout: 10_000 });
        return at.id;
      } catch {}
    }
    throw new Error("three clicks did not pick it");
  };
  // Pauses: Space, until the page state says the run is paused (a key that fell between
  // slow frames, not seen within 10 s of frames, is pressed again).
  const pause = async (page) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      await page.keyboard.press("Space");
      try {
        await page.waitForFunction(() => window.__flowkata.paused === true, null, { timeout: 10_000 });
        return;
      } catch {}
    }
    throw new Error("Space did not pause");
  };
  try {
    for (const [width, height] of [[1280, 720], [1920, 1080]]) {
      const size = `${width}x${height}`;
      const g = await openGame(browser, "?level=phoenix&seed=3&speed=16", { width, height });
      await startFromBriefing(g.page, "enter");
      await g.page.waitForFunction(() => window.__flowkata.simTime > 700 && window.__flowkata.board?.tokens > 10, null, { timeout: 120_000 });
      await pause(g.page);
      const busy = await g.page.evaluate(() => window.__flowkata.board);
      assert.ok(busy.people >= 5, `people on the board: ${JSON.stringify(busy)}`);
      await g.page.screenshot({ path: join(SHOTS, `board-busy-${size}.png`) });
      // A click on a waiting token selects its item: the inspector opens.
      assert.ok(busy.waitingToken, "a waiting token to click");
      await pick(g.page, () => window.__flowkata.board.waitingToken, (id) => window.__flowkata.board.selected === id);
      await waitFrames(g.page, 2);
      await g.page.screenshot({ path: join(SHOTS, `board-inspector-${size}.png`) });
      await g.page.keyboard.press("Escape");
      await g.page.waitForFunction(() => window.__flowkata.board.selected === undefined, null, { timeout: 30_000 });
      // Play on to an outage: its alarm shows on its system; a click selects it.
      const busyTime = await g.page.evaluate(() => window.__flowkata.simTime);
      await g.page.keyboard.press("Space");
      await g.page.waitForFunction((t) => window.__flowkata.simTime > t, busyTime, { timeout: 30_000 });
      await g.page.waitForFunction(() => window.__flowkata.board.alarms > 0, null, { timeout: 240_000 });
      await pause(g.page);
      await g.page.waitForFunction(() => window.__flowkata.board.alarm !== undefined, null, { timeout: 30_000 });
      await pick(g.page, () => window.__flowkata.board.alarm, (id) => window.__flowkata.board.selectedOutage === id);
      await waitFrames(g.page, 2);
      await g.page.screenshot({ path: join(SHOTS, `board-outage-${size}.png`) });
      const down = await g.page.evaluate(() => window.__flowkata.board);
      const f = await frameTimes(g.page);
      console.log(`board ${size}, phoenix: median frame ${f.median.toFixed(1)} ms, p90 ${f.p90.toFixed(1)} ms; board update ${down.updateMs?.toFixed(2)} ms, render extraction ${down.extractMs?.toFixed(2)} ms (headless Chromium, SwiftShader)`);
      assert.deepEqual(g.problems, { pageErrors: [], foreignRequests: [] });
      await g.page.close();
    }

    // 2,000 items in flight: the stress level, dropped on the page, at 16×.
    const stress = readFileSync(join(import.meta.dirname, "../../bench/board-2000.ron"), "utf8");
    const s = await openGame(browser, "", { width: 1920, height: 1080 });
    await drop(s.page, [{ name: "board-2000.ron", text: stress }]);
    await s.page.waitForFunction(() => window.__flowkata.screen === "Play", null, { timeout: 60_000 });
    await startFromBriefing(s.page, "enter");
    await s.page.keyboard.press("5");
    await s.page.waitForFunction(() => window.__flowkata.board?.tokens >= 2000, null, { timeout: 300_000 });
    // Measured at 1×: the run goes on (tokens move) without ending during the measurement.
    await s.page.keyboard.press("1");
    const f = await frameTimes(s.page);
    const b = await s.page.evaluate(() => window.__flowkata.board);
    assert.ok(b?.tokens >= 2000, `the stress level's board: ${JSON.stringify(b)}`);
    await s.page.screenshot({ path: join(SHOTS, "board-2000-items.png") });
    console.log(`board with ${b.tokens} items (${b.shown} shown) at 1920x1080: median frame ${f.median.toFixed(1)} ms, p90 ${f.p90.toFixed(1)} ms; board update ${b.updateMs?.toFixed(2)} ms, render extraction ${b.extractMs?.toFixed(2)} ms (headless Chromium, SwiftShader)`);
    assert.deepEqual(s.problems, { pageErrors: [], foreignRequests: [] });
  } finally {
    await browser.close();
  }
});
