// Build step after bundle.mjs: the pages of web/ as a static folder, web-dist/ (outside dist/, so the
// npm package does not carry them). Each page's TypeScript is bundled alone, with 'xent' /
// 'xent/browser' left as an import of ./xent.js — the public browser build, copied beside the pages
// with its lazy chunk — so the pages use the library as any site would. Served by `npm run web`.
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const web = new URL('../web/', import.meta.url);
const out = new URL('../web-dist/', import.meta.url);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

/** Resolves the package's own name to the copied public build. */
const publicBuild = {
  name: 'xent-public-build',
  setup(b) {
    b.onResolve({ filter: /^xent(\/browser)?$/ }, () => ({ path: './xent.js', external: true }));
  },
};
const entries = readdirSync(web).filter((f) => f.endsWith('.ts')).map((f) => `web/${f}`);
await build({
  entryPoints: entries, bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outdir: 'web-dist',
  plugins: [publicBuild], logLevel: 'warning', legalComments: 'none', minify: false,
});
for (const f of readdirSync(web)) if (/\.(html|css)$/.test(f)) cpSync(new URL(f, web), new URL(f, out));
cpSync(new URL('assets/', web), new URL('assets/', out), { recursive: true });
cpSync(new URL('../dist/browser/', import.meta.url), out, { recursive: true, filter: (f) => !f.endsWith('.d.ts') });
