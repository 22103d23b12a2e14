// Shared by the browser tests: Debian's Chromium driven by playwright-core (never a downloaded browser),
// the project's page server (scripts/serve-web.mjs, run as `npm run web` runs it), and pages that record
// their console errors. Under CI=true a missing Chromium fails the suite (test/browser.test.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run'];
/** Whether the browser tests can run here. */
export const present = existsSync(CHROMIUM);

/** Starts headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/** A running page server: its base URL (ending in '/') and how to stop it. */
export interface PageServer {
  base: string;
  close(): void;
}

/** Runs scripts/serve-web.mjs on a free port, serving `dir` (default: the built pages, web-dist/). */
export function servePages(dir?: string): Promise<PageServer> {
  const script = new URL('../scripts/serve-web.mjs', import.meta.url).pathname;
  const child: ChildProcess = spawn(process.execPath, [script, ...(dir ? [dir] : [])], {
    env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) resolve({ base: m[0], close: () => child.kill() });
    });
    child.stderr!.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => reject(new Error(`serve-web exited with ${code}: ${out}`)));
  });
}

/** A new page whose console errors and uncaught exceptions are collected in `errors`. */
export async function openPage(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors };
}
