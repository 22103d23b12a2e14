// Build step after tsc: CommonJS entries for require('xent') / require('xent/mnist'), and the browser
// build: dist/browser/xent.js, one ES module (what 'xent/browser' and the "browser" condition of 'xent'
// resolve to), plus one chunk per WASM build, which it imports when an instance of that build is first
// made. dist/browser/xent.d.ts re-exports the package's types.
import { rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const common = { bundle: true, logLevel: 'warning', target: 'es2022', legalComments: 'none' };
rmSync(new URL('../dist/browser/', import.meta.url), { recursive: true, force: true }); // no stale chunks
await Promise.all([
  build({ ...common, entryPoints: ['src/index.ts'], format: 'cjs', platform: 'node', outfile: 'dist/cjs/index.cjs' }),
  build({
    ...common, entryPoints: ['src/data/mnist.ts'], format: 'cjs', platform: 'node', outfile: 'dist/cjs/mnist.cjs',
    logOverride: { 'empty-import-meta': 'silent' },
  }),
  build({
    ...common, entryPoints: { xent: 'src/index.ts' }, format: 'esm', platform: 'browser', outdir: 'dist/browser',
    splitting: true, chunkNames: 'xent-[name]-[hash]', minify: true,
  }),
]);
writeFileSync(new URL('../dist/browser/xent.d.ts', import.meta.url),
  "// The browser build's types: the package's own.\nexport * from '../index.js';\n");
