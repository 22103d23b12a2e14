// The package as a stranger gets it: the tarball `npm pack` makes from the built dist/ (scripts not re-run),
// checked by @arethetypeswrong/cli and publint, and type-checked by consumer apps under every module
// resolution a TypeScript project uses (node16 from CommonJS and from ESM, nodenext, bundler).
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
let work: string;
let tarball: string;
let files: string[];
let unpacked: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'xent-tarball-'));
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8' });
  const [info] = JSON.parse(out) as [{ filename: string; files: { path: string }[] }];
  tarball = path.join(work, info.filename);
  files = info.files.map((f) => f.path).sort();
  unpacked = path.join(work, 'consumer', 'node_modules', 'xent');
  mkdirSync(unpacked, { recursive: true });
  execFileSync('tar', ['xzf', tarball, '-C', unpacked, '--strip-components=1']);
  // The one runtime dependency, as npm would install it beside the package.
  mkdirSync(path.join(work, 'consumer', 'node_modules', '@assemblyscript'));
  symlinkSync(path.join(root, 'node_modules', '@assemblyscript', 'loader'), path.join(work, 'consumer', 'node_modules', '@assemblyscript', 'loader'));
}, 120_000);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? walk(file) : [file];
  });
}

describe('the packed tarball', () => {
  it('holds dist/ (ESM + declarations, the CommonJS bundles and their .d.cts, the browser build and its WASM chunks), README, LICENSE, package.json — nothing else', () => {
    const allowed = /^(LICENSE|README\.md|package\.json|dist\/(?!cjs\/|browser\/).+\.(js|d\.ts)|dist\/cjs\/(index|mnist)\.cjs|dist\/cjs\/types\/.+\.d\.cts|dist\/browser\/(xent\.js|xent\.d\.ts|xent-wasm-binary-[\w-]+\.js))$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    for (const must of ['LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/cjs/index.cjs', 'dist/cjs/types/index.d.cts', 'dist/cjs/types/data/mnist.d.cts', 'dist/browser/xent.js']) {
      expect(files).toContain(must);
    }
    expect(readFileSync(path.join(unpacked, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} xent contributors/);
  });

  it('contains each of the four WASM builds exactly once per format that needs it (ESM, CommonJS, browser chunks)', () => {
    // The builds are embedded as base64 of their zlib-deflated bytes (scripts/embed-wasm.mjs): inflate every
    // long base64 string in the tarball's files and keep those that are WASM modules ("\0asm").
    const builds = ['xent.wasm', 'xent-relaxed.wasm', 'xent-threads.wasm', 'xent-relaxed-threads.wasm']
      .map((f) => readFileSync(path.join(root, 'build', f)).toString('base64'));
    expect(new Set(builds).size).toBe(4);
    const found = new Map<string, string[]>(); // format → the builds found in its files
    const holders: string[] = [];
    for (const file of walk(unpacked)) {
      for (const [b64] of readFileSync(file, 'utf8').matchAll(/[A-Za-z0-9+/]{2000,}={0,2}/g)) {
        let bytes: Buffer;
        try {
          bytes = inflateSync(Buffer.from(b64, 'base64'));
        } catch {
          continue;
        }
        if (bytes.subarray(0, 4).toString('latin1') !== '\0asm') continue;
        const rel = path.relative(unpacked, file);
        const format = rel.startsWith('dist/cjs/') ? 'cjs' : rel.startsWith('dist/browser/') ? 'browser' : 'esm';
        found.set(format, [...(found.get(format) ?? []), bytes.toString('base64')]);
        holders.push(rel);
      }
    }
    expect([...found.keys()].sort()).toEqual(['browser', 'cjs', 'esm']);
    for (const [format, list] of found) expect(list.map((b) => builds.indexOf(b)).sort(), format).toEqual([0, 1, 2, 3]);
    expect(holders.filter((f) => f.startsWith('dist/cjs/')).sort()).toEqual(Array(4).fill('dist/cjs/index.cjs'));
    expect(holders.filter((f) => f.startsWith('dist/backend/')).sort()).toEqual([
      'dist/backend/wasm-binary-relaxed-threads.js', 'dist/backend/wasm-binary-relaxed.js', 'dist/backend/wasm-binary-threads.js', 'dist/backend/wasm-binary.js',
    ]);
    for (const name of ['wasm-binary', 'wasm-binary-relaxed', 'wasm-binary-threads', 'wasm-binary-relaxed-threads']) {
      const dts = readFileSync(path.join(unpacked, `dist/backend/${name}.d.ts`), 'utf8');
      expect(dts).toMatch(/export declare const wasm\w*Base64: string;/);
      expect(dts.length).toBeLessThan(2000);
    }
  });

  it('the build steps print nothing on stdout (so `npm pack --json` prints JSON only)', () => {
    // embed-wasm rewrites src/backend/wasm-binary.ts atomically and cts-types regenerates dist/cjs/types,
    // both with the same content; bundle.mjs (esbuild, logLevel 'warning') is not re-run while other test
    // files may be loading its output.
    for (const script of ['scripts/embed-wasm.mjs', 'scripts/cts-types.mjs']) {
      const r = spawnSync(process.execPath, [path.join(root, script)], { cwd: root, encoding: 'utf8' });
      expect(r.status, script).toBe(0);
      expect(r.stdout, script).toBe('');
    }
  });

  it('@arethetypeswrong/cli finds no problem for xent, xent/mnist and xent/browser', () => {
    // Into a file: attw exits with process.exit(), which can cut a pipe's last 64 KB short, never a file's.
    const json = path.join(work, 'attw.json');
    const fd = openSync(json, 'w');
    spawnSync(bin('attw'), [tarball, '--format', 'json'], { stdio: ['ignore', fd, 'inherit'] });
    closeSync(fd);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { analysis: { problems: { kind: string; entrypoint?: string }[]; entrypoints: Record<string, unknown> } };
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(['.', './browser', './mnist', './package.json']);
    // 'xent/browser' is the browser build, an ES module by design: that require() gets ESM is its one
    // expected finding (CommonJS has no browser); anything else, on any entry point, is a problem.
    const problems = report.analysis.problems.filter((p) => !(p.entrypoint === './browser' && p.kind === 'CJSResolvesToESM'));
    expect(problems).toEqual([]);
  }, 180_000);

  it('publint (strict) reports nothing', () => {
    const r = spawnSync(bin('publint'), ['run', tarball, '--strict'], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/All good!/);
    expect(r.status).toBe(0);
  });

  const consumer = `import { createXent, type Xent } from 'xent';
import { loadMnist, type Mnist } from 'xent/mnist';

export async function run(): Promise<string> {
  const xent: Xent = await createXent({ backend: 'reference' });
  const h: number = xent.crossEntropy([0.1, 0.4, 0.5], [0.8, 0.15, 0.05], { base: 2 });
  const g: Float32Array = xent.grad.binaryCrossEntropy(new Float32Array([0.5]), [1]);
  const rows: number[] = xent.sparseCategoricalCrossEntropy([[2, 1], [0, 3]], [0, 1], { fromLogits: true, reduction: 'none' });
  const c: number[][] = xent.matmul([[1, 2]], [[3], [4]]);
  const onnx: Uint8Array = xent.network([2, 2]).toONNX();
  // @ts-expect-error a vector's entropy is a number, not an array
  const wrong: number[] = xent.entropy([0.5, 0.5]);
  const load: (o?: { trainingSize?: number }) => Promise<Mnist> = loadMnist;
  return [h.toFixed(3), g[0], rows.length, c[0]![0], onnx.length > 0, typeof load, typeof wrong].join(' ');
}
run().then((s) => console.log(s));
`;
  const matrix: [string, 'commonjs' | 'module', Record<string, string>, boolean][] = [
    ['node16 from CommonJS', 'commonjs', { module: 'node16', moduleResolution: 'node16' }, true],
    ['node16 from ESM', 'module', { module: 'node16', moduleResolution: 'node16' }, true],
    ['nodenext (ESM)', 'module', { module: 'nodenext', moduleResolution: 'nodenext' }, true],
    ['nodenext (CommonJS)', 'commonjs', { module: 'nodenext', moduleResolution: 'nodenext' }, true],
    ['bundler', 'module', { module: 'esnext', moduleResolution: 'bundler' }, false],
  ];
  for (const [name, type, options, runs] of matrix) {
    it(`a consumer app type-checks under ${name}${runs ? ' and its compiled JS runs' : ''}`, () => {
      const dir = path.join(work, 'consumer', name.replace(/\W+/g, '-'));
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type }));
      writeFileSync(path.join(dir, 'index.ts'), consumer);
      writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { ...options, target: 'es2022', strict: true, outDir: 'out', types: [], lib: ['es2022', 'dom'], skipLibCheck: false },
        files: ['index.ts'],
      }));
      const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
      expect(tsc.stdout + tsc.stderr).toBe('');
      expect(tsc.status).toBe(0);
      if (runs) {
        const out = execFileSync(process.execPath, [path.join(dir, 'out', 'index.js')], { cwd: dir, encoding: 'utf8' });
        expect(out.trim()).toBe('3.288 -2 2 11 true function number'); // H(p,q) in bits (docs/conventions.md), −1/a at a = ½, 1·3 + 2·4
      }
    }, 180_000);
  }
});
