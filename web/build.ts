/**
 * Builds the web UI into web/dist with Vite. A stamp of what the build was made from
 * (sources, config, lock file) is kept in web/dist, so an unchanged UI is not rebuilt
 * and `npm start` / `npm test`, which build it first, stay fast.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const web = import.meta.dirname;
/** Where the built UI goes; the gateway serves it. */
export const WEB_DIST = path.join(web, 'dist');
const stampFile = path.join(WEB_DIST, '.build-stamp');

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

/** Builds the UI unless web/dist already holds a build of the current sources; says which it did. */
export async function buildWebUi(options: { force?: boolean } = {}): Promise<{ built: boolean; seconds: number }> {
  const started = Date.now();
  const stamp = sourceStamp();
  const current = existsSync(path.join(WEB_DIST, 'index.html')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
  if (current && !options.force) return { built: false, seconds: 0 };
  const { build } = await import('vite');
  await build({ configFile: path.join(web, 'vite.config.ts'), logLevel: 'warn' });
  writeFileSync(stampFile, stamp);
  return { built: true, seconds: (Date.now() - started) / 1000 };
}
