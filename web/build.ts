/**
 * Builds the web UI into web/dist with Vite. A stamp of what the build was made from
 * (sources, config, lock file) is kept in web/dist, so an unchanged UI is not rebuilt
 * and `npm start` / `npm test`, which build it first, stay fast.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const web = import.meta.dirname;
/** Where the built UI goes; the gateway serves it. */
export const WEB_DIST = path.join(web, 'dist');
const stampFile = path.join(WEB_DIST, '.build-stamp');
/** Held while building, so test files started together never build into web/dist at once. */
const lockDirectory = path.join(web, '.build-lock');
const LOCK_STALE_MS = 120_000;

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(folder, entry.name)) : [path.join(folder, entry.name)]))
    .sort();
}

function sourceStamp(): string {
  const hash = createHash('sha256');
  for (const file of [...filesUnder(path.join(web, 'src')), path.join(web, 'index.html'), path.join(web, 'vite.config.ts'), path.join(root, 'package-lock.json')]) {
    if (!existsSync(file) || !statSync(file).isFile()) continue;
    hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function isCurrent(stamp: string): boolean {
  return existsSync(path.join(WEB_DIST, 'index.html')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
}

async function acquireLock(): Promise<void> {
  for (;;) {
    try {
      mkdirSync(lockDirectory);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a build that died is taken over.
      const lock = statSync(lockDirectory, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > LOCK_STALE_MS) rmSync(lockDirectory, { recursive: true, force: true });
      await sleep(100);
    }
  }
}

/** Builds the UI unless web/dist already holds a build of the current sources; says which it did. */
export async function buildWebUi(options: { force?: boolean } = {}): Promise<{ built: boolean; seconds: number }> {
  const started = Date.now();
  const stamp = sourceStamp();
  if (isCurrent(stamp) && !options.force) return { built: false, seconds: 0 };
  await acquireLock();
  try {
    // Another process may have built these very sources while this one waited.
    if (isCurrent(stamp) && !options.force) return { built: false, seconds: 0 };
    const { build } = await import('vite');
    await build({ configFile: path.join(web, 'vite.config.ts'), logLevel: 'warn' });
    writeFileSync(stampFile, stamp);
    return { built: true, seconds: (Date.now() - started) / 1000 };
  } finally {
    rmSync(lockDirectory, { recursive: true, force: true });
  }
}
