// Build step after tsc: CommonJS declarations for the `require` condition. TypeScript reads a .d.ts in
// this "type": "module" package as ESM, so a CommonJS consumer (module node16/nodenext) would be told
// that require('xent') cannot work (TS1479) although it does. Each dist/**/*.d.ts is copied to
// dist/cjs/types/**/*.d.cts with its relative specifiers renamed ./x.js → ./x.cjs (resolved by
// TypeScript to ./x.d.cts), so the CommonJS types form their own CommonJS-format tree.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
const out = path.join(dist, 'cjs', 'types');
const skip = new Set([path.join(dist, 'cjs'), path.join(dist, 'browser'), path.join(dist, 'cli')]);
rmSync(out, { recursive: true, force: true });

function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skip.has(file)) walk(file);
    } else if (entry.name.endsWith('.d.ts')) {
      const target = path.join(out, path.relative(dist, file)).replace(/\.d\.ts$/, '.d.cts');
      const text = readFileSync(file, 'utf8').replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.js\2/g, '$1$2$3.cjs$2');
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
  }
}
walk(dist);
