import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layers of DESIGN.md, checked on the import specifiers of every .ts file under src/ and db/
 * (static, type-only, re-exports and dynamic imports alike, as the TypeScript scanner reads
 * them). A rule names what a layer must not import; the test lists every offence at once.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Everything below the routes: none of it may know about HTTP. */
const BELOW_ROUTES = ['src/services/', 'src/engines/', 'src/store/', 'src/sim/', 'src/domain/', 'db/'];
const HTTP_LAYER = ['src/http/', 'src/routes/'];
/** Engines take plain data and a time: no server, no database, no clock, no logger. */
const IMPURE_PACKAGES = ['fastify', 'fastify-plugin', 'drizzle-orm', 'better-sqlite3', 'pg', 'pino'];
const IMPURE_SCOPES = ['@fastify/'];
const CLOCK_MODULE = 'src/domain/clock.ts';

interface Import {
  /** The file's path from the repository root, e.g. `src/services/calls.ts`. */
  file: string;
  specifier: string;
  /** Repository path of a relative import (`.js` read as `.ts`); undefined for a package. */
  target: string | undefined;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const under = (path: string, folders: readonly string[]) => folders.some((folder) => path.startsWith(folder));

/** Why an import breaks the layering, or null. */
function offence({ file, specifier, target }: Import): string | null {
  if (under(file, BELOW_ROUTES) && target !== undefined && under(target, HTTP_LAYER)) {
    return 'below the routes, nothing imports src/http or src/routes';
  }
  if (file.startsWith('src/engines/')) {
    if (target === undefined) {
      const name = packageName(specifier);
      if (IMPURE_PACKAGES.includes(name) || IMPURE_SCOPES.some((scope) => name.startsWith(scope))) {
        return `engines are pure: no ${name}`;
      }
    } else if (target === CLOCK_MODULE) {
      return 'engines take the time as an argument, not the clock';
    }
  }
  if (file.startsWith('src/domain/') && target !== undefined && !target.startsWith('src/domain/')) {
    return 'src/domain imports only domain files and libraries';
  }
  return null;
}

function importsOf(file: string): Import[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles.map(({ fileName: specifier }) => {
    if (!specifier.startsWith('.')) return { file, specifier, target: undefined };
    const resolved = posix.normalize(posix.join(posix.dirname(file), specifier));
    return { file, specifier, target: resolved.replace(/\.js$/, '.ts') };
  });
}

function typescriptFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

describe('layering', () => {
  const files = [...typescriptFiles('src'), ...typescriptFiles('db')];

  it('holds for every import of src/ and db/', () => {
    const offences = files
      .flatMap(importsOf)
      .map((imp) => ({ imp, why: offence(imp) }))
      .filter(({ why }) => why !== null)
      .map(({ imp, why }) => `${imp.file} imports '${imp.specifier}': ${why}`);
    expect(offences).toEqual([]);
  });

  it('reads the imports of every layer, type-only and dynamic ones too', () => {
    for (const layer of ['src/services/', 'src/engines/', 'src/store/', 'src/sim/', 'src/domain/', 'db/']) {
      expect(files.some((file) => file.startsWith(layer))).toBe(true);
    }
    const source = "import type { A } from './a.js';\nexport { b } from '../b.js';\nawait import('fastify');";
    const specifiers = ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
    expect(specifiers).toEqual(['./a.js', '../b.js', 'fastify']);
  });

  it('names each kind of offence', () => {
    const check = (file: string, specifier: string, target?: string) => offence({ file, specifier, target });
    expect(check('src/services/calls.ts', '../http/auth.js', 'src/http/auth.ts')).toMatch(/src\/http/);
    expect(check('src/store/x.ts', '../routes/calls.js', 'src/routes/calls.ts')).toMatch(/src\/routes/);
    expect(check('db/index.ts', '../src/http/schemas.js', 'src/http/schemas.ts')).toMatch(/src\/http/);
    expect(check('src/engines/vpn/route.ts', 'fastify')).toMatch(/pure/);
    expect(check('src/engines/vpn/route.ts', 'drizzle-orm/sqlite-core')).toMatch(/drizzle-orm/);
    expect(check('src/engines/vpn/route.ts', '@fastify/sensible')).toMatch(/pure/);
    expect(check('src/engines/vpn/route.ts', 'better-sqlite3')).toMatch(/pure/);
    expect(check('src/engines/vpn/route.ts', 'pg')).toMatch(/pure/);
    expect(check('src/engines/calls/machine.ts', '../../domain/clock.js', CLOCK_MODULE)).toMatch(/clock/);
    expect(check('src/domain/x.ts', '../engines/rating/tariff.js', 'src/engines/rating/tariff.ts')).toMatch(
      /only domain/,
    );
    // What is allowed: a library in the domain, the time zones in an engine, the routes importing http.
    expect(check('src/domain/time-zones.ts', 'luxon')).toBeNull();
    expect(
      check('src/engines/switchboard/hours.ts', '../../domain/time-zones.js', 'src/domain/time-zones.ts'),
    ).toBeNull();
    expect(check('src/routes/calls.ts', '../http/schemas.js', 'src/http/schemas.ts')).toBeNull();
    expect(check('src/engines/vpn/route.ts', 'pg-format')).toBeNull();
  });
});
