// Brotli and gzip copies of every text asset the web build wrote, beside it
// (`app.js.br`, `app.js.gz`): the server sends the smallest one the browser
// accepts without compressing anything per request (@fastify/static's
// `preCompressed`). Brotli at its best quality, which is too slow to do live.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const TEXT = /\.(js|mjs|css|html|svg|json|webmanifest|txt|xml)$/;
/** Below this, compression saves less than the round trip it does not save. */
const SMALLEST = 512;

const root = path.resolve(process.argv[2] ?? 'dist/web');
let files = 0;
let before = 0;
let after = 0;
function walk(dir) {
  for (const entry of readdirSync(dir)) {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) {
      walk(file);
      continue;
    }
    if (!TEXT.test(entry) || statSync(file).size < SMALLEST) continue;
    const content = readFileSync(file);
    const br = brotliCompressSync(content, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
      },
    });
    writeFileSync(`${file}.br`, br);
    writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
    files++;
    before += content.length;
    after += br.length;
  }
}
walk(root);
console.log(
  `precompressed ${files} files: ${Math.round(before / 1024)} KB → ${Math.round(after / 1024)} KB (brotli)`,
);
