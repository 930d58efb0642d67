// Prints the release bundle's first-load size (wasm, js, css): raw, gzip and brotli.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const dir = process.argv[2] || 'dist';
const total = { raw: 0, gzip: 0, brotli: 0 };
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(11);
for (const f of fs.readdirSync(dir).sort()) {
  if (!/\.(wasm|js|css)$/.test(f)) continue;
  const b = fs.readFileSync(path.join(dir, f));
  const g = zlib.gzipSync(b, { level: 9 }).length;
  const br = zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  total.raw += b.length; total.gzip += g; total.brotli += br;
  console.log(`${f.padEnd(44)} raw ${kb(b.length)}  gzip ${kb(g)}  brotli ${kb(br)}`);
}
console.log(`${'first load total'.padEnd(44)} raw ${kb(total.raw)}  gzip ${kb(total.gzip)}  brotli ${kb(total.brotli)}  (budget: brotli <= 1024 KiB)`);
