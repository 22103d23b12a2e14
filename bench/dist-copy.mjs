// Copies dist/ to .ab/<name>/ with other WASM builds embedded, for bench/epochs-ab.mjs: build a variant
// of assembly/ (e.g. `npx asc assembly/index.ts --target release -o /tmp/x.wasm`), embed it in a copy,
// and compare it with an unchanged copy in one process. Copies live under the repository (gitignored)
// so that their imports still resolve to node_modules.
//   node bench/dist-copy.mjs <name> [plain.wasm|-] [relaxed.wasm|-]
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const [name, plain, relaxed] = process.argv.slice(2);
if (!name) throw new Error('usage: node bench/dist-copy.mjs <name> [plain.wasm|-] [relaxed.wasm|-]');
const dir = new URL(`../.ab/${name}/`, import.meta.url);
cpSync(new URL('../dist/', import.meta.url), dir, { recursive: true });
/** Replaces the embedded build `constant` of `module` (dist/backend/…) by `wasm`, deflated as embed-wasm.mjs does. */
const embed = (module, constant, wasm) => {
  if (!wasm || wasm === '-') return;
  const file = new URL(`backend/${module}`, dir);
  const text = readFileSync(file, 'utf8');
  const pattern = new RegExp(`export const ${constant} = '[^']*'`);
  if (!pattern.test(text)) throw new Error(`${constant} not found in ${file.pathname}`);
  writeFileSync(file, text.replace(pattern, `export const ${constant} = '${deflateSync(readFileSync(wasm), { level: 9 }).toString('base64')}'`));
};
embed('wasm-binary.js', 'wasmBase64', plain);
embed('wasm-binary-relaxed.js', 'wasmRelaxedBase64', relaxed);
console.log(`.ab/${name}/`);
