import fs from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createJiti, type TransformOptions, type TransformResult } from 'jiti';
import type { ts as TS } from 'ts-morph';
import { ts } from '../util/tsMorph.js';
import type { RuntimeSchema } from '../ir/buildIR.js';
import { describeValue } from './checkShape.js';
import { SchemaError } from '../ir/SchemaError.js';
import { toCommonJs } from './stripTypes.js';
import type { ModuleLookup } from './followValues.js';

/** Maps a 1-based position in the code that ran back to the user's source. */
type PositionMap = (line: number, column: number) => { line: number; column: number };
/** A module's own specifier → what jiti is to load instead (a tsconfig path alias → the file it names). */
type SpecifierMap = (specifier: string) => string;

/** Nothing parsed, nothing resolved: jiti's own resolution only. */
const NO_MODULES: ModuleLookup = { sourceFileOf: () => undefined, resolveImport: () => undefined };

const KNOWN_INSTANT_PACKAGES = ['admin', 'core', 'react', 'react-native', 'vue', 'svelte', 'solidjs', 'platform'].map((p) => `@instantdb/${p}`);

/** Our DSL, compiled (dist/) or as source (when running from src/ under a TS-aware runner). */
function dslModulePath(): string {
  const js = fileURLToPath(new URL('./instantDsl.js', import.meta.url));
  return fs.existsSync(js) ? js : fileURLToPath(new URL('./instantDsl.ts', import.meta.url));
}

/**
 * Executes a TypeScript file of the user's (the schema, the rules) as Instant's CLI does (jiti), with every
 * `@instantdb/*` import served by our own DSL, and returns its default export. Errors name the first
 * frame in the user's files. `what` names the file in messages ("the schema", "the rules file").
 * `modules` (parseModules) spares parsing twice, and resolves tsconfig path aliases: jiti's own `alias` option
 * is one prefix table for every file, where TypeScript reads `paths` from the tsconfig of each importing file,
 * tries its substitutions in order and picks the longest matching pattern; so each module's aliased
 * specifiers are replaced, as it is transformed, by the file pathAliases.ts resolves them to.
 */
export async function importWithInstantDsl(file: string, instantSpecifiers: string[], userFiles: string[], what: string, modules: ModuleLookup = NO_MODULES): Promise<unknown> {
  const dsl = dslModulePath();
  const alias = Object.fromEntries([...KNOWN_INSTANT_PACKAGES, ...instantSpecifiers].map((s) => [s, dsl]));
  const sourceMaps = new Map<string, PositionMap>();
  const transform = (opts: TransformOptions) => {
    const specifiers = specifierMap(opts.filename, modules);
    return stripTypes(opts, modules, specifiers, sourceMaps) ?? transpileWithTypeScript(opts, specifiers, sourceMaps);
  };
  const jiti = createJiti(import.meta.url, { alias, moduleCache: false, fsCache: false, interopDefault: true, transform });
  let exported: unknown;
  try {
    exported = await jiti.import(file, { default: true });
  } catch (error) {
    throw evaluationError(error, userFiles, file, what, sourceMaps);
  }
  if (exported && typeof exported === 'object' && '__esModule' in exported) {
    // No default export: this is the module object, whose `__esModule` marker must not leak (it is not writable).
    const { __esModule: _, ...rest } = exported as Record<string, unknown>;
    return rest;
  }
  return exported;
}

/**
 * Executes the schema file as Instant's CLI does (jiti), with every `@instantdb/*` import served by our
 * own DSL: generation then needs no Instant package, and any package works as the source of `i`.
 */
export async function evaluateSchema(schemaFile: string, instantSpecifiers: string[], userFiles: string[], modules?: ModuleLookup): Promise<RuntimeSchema> {
  const exported = await importWithInstantDsl(schemaFile, instantSpecifiers, userFiles, 'the schema', modules);
  if (!isSchemaLike(exported)) {
    throw new SchemaError(
      `the schema file has no default export of an \`i.schema(...)\` value${whatIsExported(exported)}`,
      { file: schemaFile, line: 1, column: 1 },
      typeof exported === 'function'
        ? 'Export the schema itself, not a function that makes it: `export default schema;`.'
        : 'End the file with `export default schema;` where `const schema = i.schema({ entities, links, rooms })`.',
    );
  }
  return exported;
}

/**
 * Path aliases of a local module (non-relative specifiers that name a local file) as absolute paths. Only code
 * files: a declaration file has no values, and jiti's own error for it names the import.
 */
function specifierMap(file: string | undefined, modules: ModuleLookup): SpecifierMap {
  if (!file) return (specifier) => specifier;
  return (specifier) => {
    if (specifier.startsWith('.')) return specifier;
    const target = modules.resolveImport(file, specifier);
    return target && !/\.d\.[cm]?ts$/.test(target) ? target : specifier;
  };
}

/** Types erased in place (stripTypes.ts), from the tree parseModules built when it is the same text. */
function stripTypes(opts: TransformOptions, modules: ModuleLookup, specifiers: SpecifierMap, sourceMaps: Map<string, PositionMap>): TransformResult | undefined {
  if (!opts.filename) return undefined;
  const known = modules.sourceFileOf(opts.filename)?.compilerNode;
  const sourceFile = known?.text === opts.source ? known : ts.createSourceFile(opts.filename, opts.source, ts.ScriptTarget.Latest, false, scriptKind(opts.filename));
  const stripped = toCommonJs(sourceFile, specifiers);
  if (!stripped) return undefined;
  sourceMaps.set(opts.filename, stripped.original);
  return { code: stripped.code };
}

function scriptKind(file: string): TS.ScriptKind {
  if (/\.[cm]?tsx?$/.test(file)) return file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return file.endsWith('x') ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
}

/**
 * TypeScript's own transpiler (bundled in ts-morph, already loaded to read the schema) instead of jiti's
 * babel, for what stripTypes leaves: several times faster on large schemas. Its source map keeps error locations exact.
 */
function transpileWithTypeScript(opts: TransformOptions, specifiers: SpecifierMap, sourceMaps: Map<string, PositionMap>): TransformResult {
  const { outputText, sourceMapText } = ts.transpileModule(opts.source, {
    fileName: opts.filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, allowJs: true, sourceMap: true },
    reportDiagnostics: false,
    transformers: { before: [rewriteSpecifiers(specifiers)] },
  });
  if (opts.filename && sourceMapText) sourceMaps.set(opts.filename, sourceMapPositions(new SourceMap(JSON.parse(sourceMapText))));
  return { code: outputText.replace(/\/\/# sourceMappingURL=.*\s*$/, '') };
}

/** The module specifiers of imports and re-exports, mapped (the rest of the tree is left as it is). */
function rewriteSpecifiers(specifiers: SpecifierMap): TS.TransformerFactory<TS.SourceFile> {
  return (context) => (sourceFile) => {
    const { factory } = context;
    const mapped = (node: TS.Expression | undefined) => {
      if (!node || !ts.isStringLiteral(node)) return node;
      const target = specifiers(node.text);
      return target === node.text ? node : factory.createStringLiteral(target);
    };
    const statements = sourceFile.statements.map((s) => {
      if (ts.isImportDeclaration(s)) return factory.updateImportDeclaration(s, s.modifiers, s.importClause, mapped(s.moduleSpecifier)!, s.attributes);
      if (ts.isExportDeclaration(s) && s.moduleSpecifier) return factory.updateExportDeclaration(s, s.modifiers, s.isTypeOnly, s.exportClause, mapped(s.moduleSpecifier), s.attributes);
      return s;
    });
    return factory.updateSourceFile(sourceFile, statements);
  };
}

function sourceMapPositions(map: SourceMap): PositionMap {
  return (line, column) => {
    const entry = map.findEntry(line - 1, column - 1) as { originalLine?: number; originalColumn?: number } | undefined;
    if (entry?.originalLine === undefined) return { line, column };
    return { line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 };
  };
}

/** Maps a position in transpiled code back to the user's source (1-based in and out). */
function originalPosition(file: string, line: number, column: number, sourceMaps: Map<string, PositionMap>) {
  const map = sourceMaps.get(file);
  return { file, ...(map ? map(line, column) : { line, column }) };
}

/** What the default export is instead, when that helps: ` (it is a function)`. */
function whatIsExported(value: unknown): string {
  if (typeof value === 'function') return ' (it is a function)';
  if (value === null || (typeof value !== 'object' && value !== undefined)) return ` (it is ${describeValue(value)})`;
  if (value && typeof value === 'object' && 'attrs' in value) return ' (it is an `i.entity(...)`)';
  if (value && typeof value === 'object' && 'entities' in value) return ` (its \`entities\` is ${describeValue((value as { entities: unknown }).entities)})`;
  return '';
}

function isSchemaLike(value: unknown): value is RuntimeSchema {
  if (!value || typeof value !== 'object') return false;
  const entities = (value as { entities?: unknown }).entities;
  return !!entities && typeof entities === 'object' && !Array.isArray(entities);
}

/** Points at the first stack frame inside the user's files, so the message names file:line:col. */
function evaluationError(error: unknown, userFiles: string[], file: string, what: string, sourceMaps: Map<string, PositionMap>): SchemaError {
  const err = error instanceof Error ? error : new Error(String(error));
  const frame = (err.stack ?? '')
    .split('\n')
    .map((line) => /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line.trim()))
    .find((m) => m && userFiles.includes(m[1].replace(/^file:\/\//, '')));
  const location = frame ? originalPosition(frame[1].replace(/^file:\/\//, ''), Number(frame[2]), Number(frame[3]), sourceMaps) : { file, line: 1, column: 1 };
  const missing = /Cannot find module '([^']+)'/.exec(err.message);
  const fix = !missing
    ? `Fix the error above; ${what} file is executed to read it, as Instant's CLI does.`
    : missing[1].startsWith('.')
      ? `No file ${missing[1]} (.ts, .js, /index.ts, ...) exists where it is imported: fix the path, or create the module.`
      : `Install ${missing[1]} beside ${what}, or remove the import (type-only imports need \`import type\`).`;
  return new SchemaError(`evaluating ${what} failed: ${err.message.split('\n')[0]}`, location, fix);
}
