// Time to playable on a throttled link, by hand (not part of the test suite):
// FLOWKATA_URL=http://127.0.0.1:8080/ MBIT=20 node measure-load.mjs
import { chromium } from "playwright-core";
const BASE = process.env.FLOWKATA_URL ?? "http://127.0.0.1:8080/";
const mbit = Number(process.env.MBIT ?? 20);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
for (const query of ["", "?level=phoenix&seed=42"]) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: (mbit * 1e6) / 8, uploadThroughput: (mbit * 1e6) / 8 });
  let bytes = 0;
  cdp.on("Network.loadingFinished", (e) => { bytes += e.encodedDataLength; });
  const t0 = Date.now();
  await page.goto(BASE + query);
  await page.waitForFunction(() => window.__flowkata?.ready === true, null, { timeout: 300_000 });
  console.log(`${query || "title"}: playable after ${((Date.now() - t0) / 1000).toFixed(1)} s at ${mbit} Mbit/s, ${(bytes / 1e6).toFixed(1)} MB transferred`);
  await page.close();
}
await browser.close();
