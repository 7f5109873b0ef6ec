import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Engines are pure: they import the shared vocabulary (src/domain), each other and libraries
 * for what is not our domain, and from the store only the routing directory's model types
 * (`import type`, erased at build). A value import of the store, or any import of the HTTP
 * layer, services, routes, the simulation or a database or web library, would tie them to I/O.
 */

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src');
const engines = path.join(src, 'engines');
const FORBIDDEN_PACKAGES = ['fastify', 'drizzle-orm', 'better-sqlite3', 'pg', 'pino'];
const FORBIDDEN_LAYERS = ['http', 'services', 'routes', 'sim', 'app.ts', 'server.ts', 'config.ts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every `import … from` and `export … from` of a file, with whether it is erased (type-only). */
function importsOf(file: string): Array<{ specifier: string; typeOnly: boolean }> {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const found: Array<{ specifier: string; typeOnly: boolean }> = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      const namedAllTypes =
        clause?.namedBindings !== undefined &&
        ts.isNamedImports(clause.namedBindings) &&
        clause.name === undefined &&
        clause.namedBindings.elements.length > 0 &&
        clause.namedBindings.elements.every((element) => element.isTypeOnly);
      found.push({
        specifier: statement.moduleSpecifier.text,
        typeOnly: clause !== undefined && (clause.isTypeOnly || namedAllTypes),
      });
    } else if (
      ts.isExportDeclaration(statement) &&
      statement.moduleSpecifier !== undefined &&
      ts.isStringLiteral(statement.moduleSpecifier)
    ) {
      found.push({ specifier: statement.moduleSpecifier.text, typeOnly: statement.isTypeOnly });
    }
  }
  return found;
}

/** What an import breaks, or null when an engine may have it. */
function violation(file: string, specifier: string, typeOnly: boolean): string | null {
  if (!specifier.startsWith('.')) {
    const name = specifier.startsWith('@')
      ? specifier.split('/').slice(0, 2).join('/')
      : specifier.split('/')[0];
    return FORBIDDEN_PACKAGES.includes(name ?? '') ? `imports ${specifier}` : null;
  }
  const layer = path.relative(src, path.resolve(path.dirname(file), specifier)).split(path.sep)[0] ?? '';
  if (FORBIDDEN_LAYERS.includes(layer)) return `imports ${specifier} (src/${layer})`;
  if (layer === 'store' && !typeOnly) return `imports ${specifier} for values, not types only`;
  return null;
}

describe('engines', () => {
  it('import from the store only types, and nothing of HTTP, services, the simulation or a database', () => {
    const problems = sourceFiles(engines).flatMap((file) =>
      importsOf(file).flatMap(({ specifier, typeOnly }) => {
        const problem = violation(file, specifier, typeOnly);
        return problem === null ? [] : [`${path.relative(src, file)} ${problem}`];
      }),
    );
    expect(problems).toEqual([]);
  });

  it('the check itself tells a value import of the store from a type-only one', () => {
    const file = path.join(engines, 'vpn', 'route.ts');
    const model = '../../store/routing-directory/model.js';
    expect(violation(file, model, true)).toBeNull();
    expect(violation(file, model, false)).toMatch(/not types only/);
    expect(violation(file, '../../http/error-catalogue.js', true)).toMatch(/src\/http/);
    expect(violation(file, 'drizzle-orm/sqlite-core', true)).toMatch(/drizzle-orm/);
    expect(violation(file, '../../domain/phone.js', false)).toBeNull();
  });
});
