// Opens the built site 5 times in headless Chromium and prints the time from navigation
// to a ready prompt (median and all runs; budget: under 1 s), and to commands running
// (the extras module, loaded after the prompt, is in; lines typed before then wait for it).
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../tests/e2e/serve.mjs';

const server = await serve(path.resolve(process.argv[2] || 'dist'));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const runs = [];
const started = [];
for (let i = 0; i < 5; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const t = Date.now();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForSelector('body[data-ready="true"] #prompt');
  runs.push(Date.now() - t);
  await page.waitForSelector('body[data-started="true"]');
  started.push(Date.now() - t);
  await context.close();
}
await browser.close();
server.close();
const median = (xs) => [...xs].sort((a, b) => a - b)[2];
console.log(`page open to ready prompt: median ${median(runs)} ms (runs: ${runs.join(', ')} ms; budget < 1000 ms)`);
console.log(`page open to commands running: median ${median(started)} ms (runs: ${started.join(', ')} ms)`);
