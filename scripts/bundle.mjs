// Build step after tsc: CommonJS entries for require('xent') / require('xent/mnist') and a
// self-contained ES module for browsers (the WASM is already inlined in the JS).
import { build } from 'esbuild';

const common = { bundle: true, logLevel: 'warning', target: 'es2022', legalComments: 'none' };
await Promise.all([
  build({ ...common, entryPoints: ['src/index.ts'], format: 'cjs', platform: 'node', outfile: 'dist/cjs/index.cjs' }),
  build({
    ...common, entryPoints: ['src/data/mnist.ts'], format: 'cjs', platform: 'node', outfile: 'dist/cjs/mnist.cjs',
    logOverride: { 'empty-import-meta': 'silent' },
  }),
  build({ ...common, entryPoints: ['src/index.ts'], format: 'esm', platform: 'browser', outfile: 'dist/browser/xent.js', minify: true }),
]);
