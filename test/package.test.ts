// The package as users consume it: ESM import and CommonJS require of 'xent' and 'xent/mnist' from the
// built dist/ (resolved through package.json's exports map), with types first in every condition.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

function run(kind: 'cjs' | 'esm', code: string): string {
  const args = kind === 'esm' ? ['--input-type=module', '-e', code] : ['-e', code];
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
}

describe('package', () => {
  it('exports map lists types first in every condition and points at files that exist', () => {
    const check = (entry: string, conditions: unknown): void => {
      if (typeof conditions === 'string') {
        expect(existsSync(new URL(`../${conditions}`, import.meta.url)), `${entry}: ${conditions}`).toBe(true);
        return;
      }
      const keys = Object.keys(conditions as object);
      // A condition object holding files names its types first (nested import/require objects hold their own).
      if (Object.values(conditions as object).every((v) => typeof v === 'string')) expect(keys[0], entry).toBe('types');
      for (const [key, value] of Object.entries(conditions as Record<string, unknown>)) check(`${entry}.${key}`, value);
    };
    for (const [entry, conditions] of Object.entries(pkg.exports as Record<string, unknown>)) check(entry, conditions);
    expect(existsSync(new URL(`../${pkg.bin.xent}`, import.meta.url))).toBe(true);
  });

  it("require('xent') works (CommonJS) and gives the same numbers as import", () => {
    const code = (mod: string) => `const x = await ${mod}.createXent(); const r = await ${mod}.createXent({ backend: 'reference' });
      console.log(x.backend, r.backend, x.crossEntropy([0.1, 0.4, 0.5], [0.8, 0.15, 0.05], { base: 2 }).toFixed(12));`;
    const cjs = run('cjs', `(async () => { const xent = require('xent'); ${code('xent')} })()`);
    const esm = run('esm', `import * as xent from 'xent'; ${code('xent')}`);
    expect(cjs).toBe('wasm reference 3.287943094599');
    expect(esm).toBe(cjs);
  });

  it('threads: 2 starts its worker from CommonJS and from ESM (the eval worker follows the process mode)', () => {
    const code = (mod: string) => `const x = await ${mod}.createXent({ threads: 2 });
      const a = { data: new Float32Array(64 * 512).fill(1), shape: [64, 512] };
      const c = x.matmul(a, { data: new Float32Array(512 * 64).fill(0.5), shape: [512, 64] });
      console.log(x.threads, c.data[0], c.data[64 * 64 - 1]); x.dispose();`;
    expect(run('cjs', `(async () => { const xent = require('xent'); ${code('xent')} })()`)).toBe('2 256 256');
    expect(run('esm', `import * as xent from 'xent'; ${code('xent')}`)).toBe('2 256 256');
  });

  it("require('xent/mnist') and import 'xent/mnist' read the IDX files", () => {
    const cjs = run('cjs', `require('xent/mnist').loadMnist({ trainingSize: 10 }).then((m) => console.log(m.training.count, m.test.labels[0]))`);
    const esm = run('esm', `import { loadMnist, readIdx } from 'xent/mnist'; const m = await loadMnist({ trainingSize: 10 }); console.log(m.training.count, m.test.labels[0], typeof readIdx)`);
    expect(cjs).toBe('10 7');
    expect(esm).toBe('10 7 function');
  });

  it("'xent/browser' and the browser condition of 'xent' resolve to the browser build, with its types", () => {
    const resolve = (conditions: string[]) => execFileSync(process.execPath, [...conditions, '--input-type=module', '-e',
      "console.log(import.meta.resolve('xent'), import.meta.resolve('xent/browser'))"], { cwd: root, encoding: 'utf8' }).trim().split(' ');
    const browser = new URL('../dist/browser/xent.js', import.meta.url).href;
    expect(resolve(['--conditions=browser'])).toEqual([browser, browser]);
    expect(resolve([])).toEqual([new URL('../dist/index.js', import.meta.url).href, browser]);
    const dts = readFileSync(new URL('../dist/browser/xent.d.ts', import.meta.url), 'utf8');
    expect(dts).toContain("export * from '../index.js'");
  });

  it('ships type declarations for the public API', () => {
    const dts = readFileSync(new URL('../dist/index.d.ts', import.meta.url), 'utf8');
    for (const name of ['createXent', 'Xent', 'BinaryOptions', 'Network', 'TrainOptions', 'Dataset']) expect(dts).toContain(name);
  });

  it('the browser bundle is one ES module that imports each WASM build, as a chunk of its own, when first used', () => {
    const dir = new URL('../dist/browser/', import.meta.url);
    const bundle = readFileSync(new URL('xent.js', dir), 'utf8');
    const chunks = [...bundle.matchAll(/\bimport\(\s*["'](\.\/[^"']+)["']\s*\)/g)].map((m) => m[1]!);
    expect(chunks.map((c) => c.replace(/-[A-Z0-9]{8}\.js$/, '')).sort())
      .toEqual(['./xent-wasm-binary', './xent-wasm-binary-relaxed', './xent-wasm-binary-relaxed-threads', './xent-wasm-binary-threads']);
    expect(bundle.replace(/\bimport\(\s*["']\.\/[^"']+["']\s*\)/g, '')).not.toMatch(/\bimport\b|\bfrom\s*["']/); // no other import
    const modules = (text: string) => (text.match(/["'][A-Za-z0-9+/]{20000,}={0,2}["']/g) ?? [])
      .map((s) => inflateSync(Buffer.from(s.slice(1, -1), 'base64')));
    expect(modules(bundle)).toHaveLength(0); // no build inline: a page loads only the one it runs
    for (const chunk of chunks) {
      const [wasm, ...more] = modules(readFileSync(new URL(chunk, dir), 'utf8'));
      expect(more).toHaveLength(0);
      expect(wasm!.subarray(0, 4).toString('latin1')).toBe('\0asm');
      const module = new WebAssembly.Module(wasm!);
      // The threaded builds import their (shared) memory; the others own theirs.
      expect(WebAssembly.Module.imports(module).some((i) => i.kind === 'memory'), chunk).toBe(chunk.includes('threads'));
      expect(WebAssembly.validate(wasm!), chunk).toBe(true); // this process has relaxed SIMD (vitest's flag)
    }
    expect(bundle).not.toMatch(/\bimport\s*\(\s*["']node:/); // no Node built-in is imported …
    // … the one it names, worker_threads, is looked up at run time under Node only (threads: 2).
    expect(new Set(bundle.match(/node:[a-z_]+/g))).toEqual(new Set(['node:worker_threads']));
  });
});
