// Prints the release bundle's sizes (wasm, js, css): raw, gzip and brotli, for the first
// load (what the page needs to show a prompt) and for the module loaded after it (the
// engine: the cluster, with CEL, the OpenAPI schemas and the tools).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const dir = process.argv[2] || 'dist';
const LATER = /^kubarium-web-engine/;
const totals = { first: { raw: 0, gzip: 0, brotli: 0 }, later: { raw: 0, gzip: 0, brotli: 0 } };
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(11);
const line = (name, t) => `${name.padEnd(44)} raw ${kb(t.raw)}  gzip ${kb(t.gzip)}  brotli ${kb(t.brotli)}`;
for (const f of fs.readdirSync(dir).sort()) {
  if (!/\.(wasm|js|css)$/.test(f)) continue;
  const b = fs.readFileSync(path.join(dir, f));
  const size = {
    raw: b.length,
    gzip: zlib.gzipSync(b, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
  const total = LATER.test(f) ? totals.later : totals.first;
  for (const k of Object.keys(total)) total[k] += size[k];
  console.log(line(f, size));
}
console.log(`${line('first load total', totals.first)}  (budget: brotli <= 1024 KiB)`);
console.log(line('loaded after the prompt (the engine)', totals.later));
