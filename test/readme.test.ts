// The README's examples are executable documentation: every ```js block runs against the built package
// (imported as 'xent', as a user would), and each `console.log(…); // text` line must print `text`.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('README examples', () => {
  it('has examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });
  blocks.forEach((code, i) => {
    it(`block ${i + 1} prints what its comments say`, () => {
      const expected = code
        .split('\n')
        .filter((line) => line.includes('console.log(') && /;\s*\/\/ /.test(line))
        .map((line) => line.slice(line.search(/;\s*\/\/ /)).replace(/^;\s*\/\/ /, '').trim());
      expect(expected.length).toBeGreaterThan(0);
      // Inside the package folder, so that `import 'xent'` resolves to this package (self-reference).
      const file = new URL(`./.readme-${i}.mjs`, import.meta.url);
      writeFileSync(file, code);
      try {
        const out = execFileSync(process.execPath, [file.pathname], { encoding: 'utf8', timeout: 120_000 });
        expect(out.trim().split('\n').map((l) => l.trim())).toEqual(expected);
      } finally {
        rmSync(file, { force: true });
      }
    });
  });
});
