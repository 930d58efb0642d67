// The scale benchmarks in headless Chromium: loads the web-bench module (built by `make
// scale-browser` into the directory given), runs the rollout benchmark (ROLLOUT="NODES
// REPLICAS", default 20 1000) in one page and the scale benchmark with NODES PODS MINUTES
// (default 1000 30000 10) in another, and prints their lines, the scale one with the
// module's memory at the end, which is its peak (WebAssembly memory only grows; wasm32
// tops out at 4 GiB).
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../tests/e2e/serve.mjs';

const [dir = 'target/web-bench', nodes = '1000', pods = '30000', minutes = '10'] =
  process.argv.slice(2);
const server = await serve(path.resolve(dir));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const [rolloutNodes = '20', replicas = '1000'] = (process.env.ROLLOUT || '').split(/\s+/).filter(Boolean);
const url = `http://127.0.0.1:${server.address().port}/index.html`;
async function open() {
  const page = await browser.newPage();
  page.setDefaultTimeout(0);
  page.on('console', (m) => console.log(m.text()));
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(url);
  return page;
}
let page = await open();
const rollout = await page.evaluate(async ([n, r]) => {
  const bench = await import('./kubarium_web_bench.js');
  await bench.default();
  return bench.rollout(n, r);
}, [Number(rolloutNodes), Number(replicas)]);
console.log(rollout.split('\n').map((l) => `browser: ${l}`).join('\n'));
await page.close();
page = await open();
const line = await page.evaluate(async ([n, p, m]) => {
  const bench = await import('./kubarium_web_bench.js');
  const wasm = await bench.default();
  const out = bench.scale(n, p, m);
  return `${out}; WebAssembly memory ${Math.round(wasm.memory.buffer.byteLength / 1048576)} MiB`;
}, [Number(nodes), Number(pods), Number(minutes)]);
console.log(`browser: ${line}`);
await browser.close();
server.close();
