import path from 'node:path';
import type { SourceFile, ts as TS } from 'ts-morph';
import { Project, ts } from '../util/tsMorph.js';
import { SchemaError } from '../ir/SchemaError.js';
import { createAliasResolver } from './pathAliases.js';
import { resolveLocal } from './resolveLocal.js';

/** The schema file and every local module it imports, parsed (never type-checked). */
export interface ParsedModules {
  schema: SourceFile;
  /** Absolute paths of the schema file and its local imports (relative or through a path alias), transitively. */
  files: string[];
  /** The tsconfig files (and those they extend) consulted to resolve path aliases. */
  configFiles: string[];
  /** Every `@instantdb/...` module specifier they import. */
  instantSpecifiers: string[];
  sourceFileOf(file: string): SourceFile | undefined;
  /** The local file an import names: a relative path, or a tsconfig path alias (pathAliases.ts); else undefined. */
  resolveImport(fromFile: string, specifier: string): string | undefined;
}

export function parseModules(schemaFile: string): ParsedModules {
  const project = new Project({
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    compilerOptions: { allowJs: true, noLib: true },
  });
  const byFile = new Map<string, SourceFile>();
  const aliases = createAliasResolver();
  // `@instantdb/*` is always served by our DSL (evaluateSchema.ts), whatever an alias says.
  const resolveImport = (fromFile: string, specifier: string) =>
    specifier.startsWith('.') ? resolveLocal(path.dirname(fromFile), specifier) : specifier.startsWith('@instantdb/') ? undefined : aliases.resolve(fromFile, specifier);
  const instantSpecifiers = new Set<string>();
  const queue = [schemaFile];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (byFile.has(file)) continue;
    const sourceFile = project.addSourceFileAtPath(file);
    byFile.set(file, sourceFile);
    for (const specifier of moduleSpecifiers(sourceFile)) {
      if (specifier.startsWith('@instantdb/')) instantSpecifiers.add(specifier);
      const resolved = resolveImport(file, specifier);
      if (resolved) queue.push(resolved);
    }
  }
  for (const sourceFile of byFile.values()) assertNoSyntaxErrors(sourceFile);
  return {
    schema: byFile.get(schemaFile)!,
    files: [...byFile.keys()],
    configFiles: aliases.configFiles(),
    instantSpecifiers: [...instantSpecifiers].sort(),
    sourceFileOf: (file) => byFile.get(file),
    resolveImport,
  };
}

function moduleSpecifiers(sourceFile: SourceFile): string[] {
  const fromImports = sourceFile.getImportDeclarations().map((d) => d.getModuleSpecifierValue());
  const fromExports = sourceFile.getExportDeclarations().flatMap((d) => d.getModuleSpecifierValue() ?? []);
  return [...fromImports, ...fromExports];
}

/**
 * The parser's own diagnostics: what `getSyntacticDiagnostics` returns, without building a Program (which
 * costs more than parsing). The property is internal to TypeScript, so fall back to a Program without it.
 */
function syntaxDiagnostics(sourceFile: SourceFile): readonly TS.Diagnostic[] {
  const parsed = (sourceFile.compilerNode as unknown as { parseDiagnostics?: readonly TS.Diagnostic[] }).parseDiagnostics;
  return parsed ?? sourceFile.getProject().getProgram().compilerObject.getSyntacticDiagnostics(sourceFile.compilerNode);
}

function assertNoSyntaxErrors(sourceFile: SourceFile): void {
  const diagnostics = syntaxDiagnostics(sourceFile);
  const first = diagnostics[0];
  if (!first) return;
  const { line, character } = sourceFile.compilerNode.getLineAndCharacterOfPosition(first.start ?? 0);
  throw new SchemaError(
    `syntax error: ${ts.flattenDiagnosticMessageText(first.messageText, '\n')}`,
    { file: sourceFile.getFilePath(), line: line + 1, column: character + 1 },
    'Fix the syntax error; the schema must be valid TypeScript.',
  );
}
