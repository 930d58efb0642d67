// Times kubectl commands in the browser, as a learner feels them: from Enter to the
// terminal updated (the command, the cluster's reactions and the render), in headless
// Chromium on the release build. The cluster first gets ~300 objects (100 pods and their
// events, as the native benchmark makes them); then each command runs 15 times.
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../tests/e2e/serve.mjs';

const server = await serve(path.resolve(process.argv[2] || 'dist'));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await page.goto(`http://127.0.0.1:${server.address().port}/`);
await page.waitForSelector('body[data-started="true"] #prompt');

// Types a line and presses Enter; returns the milliseconds until its output is on the
// screen (the line ends with an echo of a marker, watched for in the page).
let n = 0;
async function timed(line) {
  n += 1;
  const marker = `done-${n}`;
  return page.evaluate(([l, m]) => new Promise((resolve) => {
    const screen = document.querySelector('.screen');
    const input = document.querySelector('#prompt');
    let t = 0;
    const seen = new MutationObserver(() => {
      if (screen.innerText.includes(m)) {
        seen.disconnect();
        resolve(performance.now() - t);
      }
    });
    seen.observe(screen, { childList: true, subtree: true, characterData: true });
    input.value = `${l}; echo ${m}`;
    t = performance.now();
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  }), [line, marker]);
}

// Pause the clock so the samples all see the same cluster.
await page.click('button.play');
await timed('for i in $(seq 0 99); do kubectl run p$i --image=nginx >/dev/null; done; sleep 30');
await timed(`for i in $(seq 0 19); do printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: bench%d\\ndata:\\n  key: "%d"\\n---\\n' $i $i; done > bench.yaml`);
await timed('clear');
await timed('kubectl get pods -A --no-headers | wc -l');
const pods = (await page.locator('.screen').innerText()).split('\n').find((l) => /^\s*\d+\s*$/.test(l));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => `${x.toFixed(1)} ms`;
for (const line of ['kubectl get pods -A -o wide', 'kubectl describe node node01', 'kubectl apply -f bench.yaml']) {
  const samples = [];
  for (let i = 0; i < 15; i++) {
    samples.push(await timed(line));
    await timed('clear');
  }
  console.log(`browser: ${line.padEnd(32)} median ${fmt(median(samples))}  max ${fmt(Math.max(...samples))}  (15 runs)`);
}
console.log(`browser: ${String(pods).trim()} pods in the cluster; budget: any kubectl command at lesson scale under 16 ms`);
await browser.close();
server.close();
