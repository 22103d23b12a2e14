// `npm run web`: serves the built pages (web-dist/, or the directory given as the first argument) on
// 127.0.0.1, port PORT (default 8080; 0 picks a free one), with the COOP/COEP headers that make a page
// cross-origin isolated (SharedArrayBuffer, so createXent({ threads: 2 }) can run). No dependency.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(process.argv[2] ?? fileURLToPath(new URL('../web-dist/', import.meta.url)));
if (!existsSync(path.join(root, 'index.html'))) {
  console.error(`serve-web: ${root} has no index.html (run npm run build first)`);
  process.exit(1);
}
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml',
  '.gz': 'application/octet-stream', '.bin': 'application/octet-stream', '.wasm': 'application/wasm', '.map': 'application/json',
};
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let file = path.join(root, decodeURIComponent(url.pathname));
  if (!file.startsWith(root)) return res.writeHead(403, ISOLATION).end('forbidden');
  if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!existsSync(file)) return res.writeHead(404, { ...ISOLATION, 'Content-Type': 'text/plain' }).end('not found');
  res.writeHead(200, {
    ...ISOLATION, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache',
  });
  createReadStream(file).pipe(res);
});
const port = Number(process.env.PORT ?? 8080);
server.listen(port, '127.0.0.1', () => {
  console.log(`xent pages: http://127.0.0.1:${server.address().port}/`);
});
