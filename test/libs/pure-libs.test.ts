import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Libraries that hold trading logic and must stay free of frameworks (STYLE.md habit 1). */
const PURE_LIBS = ['domain', 'strategies', 'risk', 'execution'];
const FORBIDDEN = [/^moleculer/, /^ccxt/, /^@mikro-orm\//, /^ioredis/, /^nats/, /^pg$/, /^pino/];
const LIBS = path.resolve(import.meta.dirname, '../../libs');

function sourceFiles(folder: string): string[] {
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) return [];
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(folder, file));
}

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm)].map(
    (match) => match[1] ?? match[2] ?? match[3] ?? '',
  );
}

t.test('pure libraries import no framework, driver or logger, directly or through other libs', async (t) => {
  const checked: string[] = [];
  for (const lib of PURE_LIBS) {
    for (const file of sourceFiles(path.join(LIBS, lib))) {
      checked.push(file);
      for (const specifier of importsOf(file)) {
        const forbidden = FORBIDDEN.some((pattern) => pattern.test(specifier));
        t.notOk(forbidden, `${path.relative(LIBS, file)} imports ${specifier}`);
        if (specifier.startsWith('.')) {
          const target = path.resolve(path.dirname(file), specifier);
          const targetLib = path.relative(LIBS, target).split(path.sep)[0];
          t.ok(targetLib !== undefined && PURE_LIBS.includes(targetLib), `${path.relative(LIBS, file)} imports ${specifier}, outside the pure libraries`);
        }
      }
    }
  }
  t.ok(checked.length >= 8, `checked ${checked.length} files`);
});

t.test('the import scanner sees the import forms used in this codebase', async (t) => {
  const dir = t.testdir({
    'sample.ts': "import type { A } from 'moleculer';\nimport { B } from './b.ts';\nexport { C } from '@mikro-orm/core';\nconst d = await import('ccxt');\nimport 'pino';\n",
  });
  t.same(importsOf(path.join(dir, 'sample.ts')), ['moleculer', './b.ts', '@mikro-orm/core', 'ccxt', 'pino']);
});
