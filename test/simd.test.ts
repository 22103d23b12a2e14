// Choosing the WASM build: relaxed SIMD where the engine has it, plain SIMD otherwise, both selectable.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createXent } from '../src/index.js';

const root = new URL('..', import.meta.url).pathname;

describe('SIMD builds', () => {
  it("'auto' takes relaxed SIMD when the engine validates it (this test process runs with the flag)", async () => {
    expect((await createXent()).simd).toBe('relaxed');
    expect((await createXent({ simd: 'plain' })).simd).toBe('plain');
    expect((await createXent({ backend: 'reference' })).simd).toBe(null);
    await expect(createXent({ backend: 'reference', simd: 'plain' })).rejects.toThrow(/^createXent: simd applies to the 'wasm' backend only/);
    await expect(createXent({ simd: 'fast' as never })).rejects.toThrow(/^createXent: simd must be one of 'auto', 'plain', 'relaxed'/);
  });

  it('without relaxed SIMD in the engine, auto falls back to plain and relaxed is refused', () => {
    const code = `import { createXent } from 'xent';
      const x = await createXent();
      let refused = false;
      try { await createXent({ simd: 'relaxed' }); } catch (e) { refused = /does not support relaxed SIMD/.test(e.message); }
      console.log(x.simd, refused);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' }).trim();
    // Node 20 without the flag has no relaxed SIMD; a later engine that has it by default picks it.
    expect(['plain true', 'relaxed false']).toContain(out);
    expect(out).toBe(process.versions.node.startsWith('20.') ? 'plain true' : out);
  });
});
