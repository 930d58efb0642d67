// The scale benchmark in headless Chromium: loads the web-bench module (built by `make
// scale-browser` into the directory given) and runs it with NODES PODS MINUTES (default
// 1000 30000 10), then prints its line with the module's memory at the end, which is its
// peak (WebAssembly memory only grows; wasm32 tops out at 4 GiB).
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
const page = await browser.newPage();
page.setDefaultTimeout(0);
page.on('console', (m) => console.log(m.text()));
page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
const line = await page.evaluate(async ([n, p, m]) => {
  const bench = await import('./kubarium_web_bench.js');
  const wasm = await bench.default();
  const out = bench.scale(n, p, m);
  return `${out}; WebAssembly memory ${Math.round(wasm.memory.buffer.byteLength / 1048576)} MiB`;
}, [Number(nodes), Number(pods), Number(minutes)]);
console.log(`browser: ${line}`);
await browser.close();
server.close();
