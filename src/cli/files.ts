// File writing for the CLI: readers never see half a file.
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes data to a temporary file beside `file`, then renames it over `file`. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
