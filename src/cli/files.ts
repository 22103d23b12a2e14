// Files the CLI writes (--save, --checkpoint): checked before any work, written atomically (a temporary
// file beside the destination, fsync, rename, fsync of the directory), and no temporary file survives an
// error or a signal: every one in flight is registered and removed on exit; one left by a process killed
// outright (SIGKILL) is removed by the next run that writes the same file.
import { constants, rmSync } from 'node:fs';
import { access, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './args.js';

/** Temporary files being written; removed synchronously when the process exits for any reason. */
const inFlight = new Set<string>();
let hooked = false;

/** Removes every temporary file still being written (also runs on process exit). */
export function removeTemporaryFiles(): void {
  for (const tmp of inFlight) rmSync(tmp, { force: true });
  inFlight.clear();
}

function tmpName(file: string): string {
  const abs = path.resolve(file);
  return path.join(path.dirname(abs), `.${path.basename(abs)}.${process.pid}.tmp`);
}

/**
 * Fails early (usage error naming `flag`) unless `file` can be written: not a directory, not a read-only
 * file, in an existing directory that accepts a new file (probed by creating and removing the temporary
 * file the write will use).
 */
export async function checkWritable(flag: string, file: string): Promise<void> {
  const abs = path.resolve(file);
  const fail = (why: string): never => {
    throw new UsageError(`--${flag} ${file}: ${why}`);
  };
  const existing = await stat(abs).catch(() => null);
  if (existing?.isDirectory()) fail('is a directory');
  if (existing) await access(abs, constants.W_OK).catch(() => fail('the file is not writable'));
  const dir = path.dirname(abs);
  const dirStat = await stat(dir).catch(() => null);
  if (!dirStat) fail(`directory ${dir} does not exist`);
  if (!dirStat!.isDirectory()) fail(`${dir} is not a directory`);
  await removeStale(abs);
  const tmp = tmpName(file);
  try {
    const handle = await open(tmp, 'wx');
    await handle.close();
    await rm(tmp, { force: true });
  } catch (e) {
    fail(`cannot write to ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Whether a process with this id is running. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the temporary files of `file` left by xent processes that died mid-write (kill -9). */
async function removeStale(abs: string): Promise<void> {
  const prefix = `.${path.basename(abs)}.`;
  const names = await readdir(path.dirname(abs)).catch(() => [] as string[]);
  for (const name of names) {
    const m = name.startsWith(prefix) ? /^(\d+)\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) await rm(path.join(path.dirname(abs), name), { force: true });
  }
}

/** Writes `text` to `file` atomically: readers see the old file or the whole new one, never part of it. */
export async function writeAtomic(file: string, text: string | Uint8Array): Promise<void> {
  if (!hooked) {
    hooked = true;
    process.on('exit', removeTemporaryFiles);
  }
  const abs = path.resolve(file);
  const tmp = tmpName(file);
  inFlight.add(tmp);
  try {
    const handle = await open(tmp, 'w', 0o644);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, abs);
    inFlight.delete(tmp);
    await syncDirectory(path.dirname(abs));
  } catch (e) {
    await rm(tmp, { force: true });
    inFlight.delete(tmp);
    throw e;
  }
}

/** fsync of a directory makes the rename durable; some file systems refuse it (then the rename stands). */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // EISDIR / EPERM / EINVAL on platforms without directory fsync: nothing more can be done.
  }
}
