// The README's examples as a TypeScript user pastes them: every ```js block is compiled as a strict
// TypeScript module (module nodenext, importing 'xent' by its package name, as a consumer would) and
// must compile with no error — no casts in the README, so the library's types must narrow by themselves.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('README examples as strict TypeScript', () => {
  it('cites only files inside the repository', () => {
    expect(readme).not.toMatch(/REFERENCE|\.\.\/|shared\//);
    const cited = [...readme.matchAll(/`((?:docs|src|test|bench|scripts)\/[\w./-]+)`/g)].map((m) => m[1]!);
    expect(cited.length).toBeGreaterThan(5);
    for (const file of cited) expect(existsSync(path.join(root, file)), file).toBe(true);
  });

  it('every block compiles under strict, noUncheckedIndexedAccess, with no cast', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    for (const code of blocks) expect(code).not.toMatch(/\bas\s+(unknown|any|never|[A-Z]\w*)\b|<any>/);
    // Inside the package folder, so that 'xent' resolves to this package's exports (self-reference).
    const dir = path.join(root, 'test', '.readme-ts');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    try {
      blocks.forEach((code, i) => writeFileSync(path.join(dir, `block-${i + 1}.mts`), code));
      writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: {
          module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], types: [], strict: true,
          noUncheckedIndexedAccess: true, noEmit: true, skipLibCheck: false,
        },
        include: ['*.mts'],
      }));
      const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', dir, '--pretty', 'false'], { encoding: 'utf8' });
      expect(tsc.stdout + tsc.stderr).toBe('');
      expect(tsc.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
