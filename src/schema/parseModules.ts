import fs from 'node:fs';
import path from 'node:path';
import type { SourceFile, ts as TS } from 'ts-morph';
import { Project, ts } from '../util/tsMorph.js';
import { SchemaError } from '../ir/SchemaError.js';

/** The schema file and every local module it imports, parsed (never type-checked). */
export interface ParsedModules {
  schema: SourceFile;
  /** Absolute paths of the schema file and its local imports, transitively. */
  files: string[];
  /** Every `@instantdb/...` module specifier they import. */
  instantSpecifiers: string[];
  sourceFileOf(file: string): SourceFile | undefined;
}

const RESOLVE_EXTENSIONS = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '/index.ts', '/index.js'];

export function parseModules(schemaFile: string): ParsedModules {
  const project = new Project({
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    compilerOptions: { allowJs: true, noLib: true },
  });
  const byFile = new Map<string, SourceFile>();
  const instantSpecifiers = new Set<string>();
  const queue = [schemaFile];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (byFile.has(file)) continue;
    const sourceFile = project.addSourceFileAtPath(file);
    byFile.set(file, sourceFile);
    for (const specifier of moduleSpecifiers(sourceFile)) {
      if (specifier.startsWith('@instantdb/')) instantSpecifiers.add(specifier);
      if (!specifier.startsWith('.')) continue;
      const resolved = resolveLocal(path.dirname(file), specifier);
      if (resolved) queue.push(resolved);
    }
  }
  for (const sourceFile of byFile.values()) assertNoSyntaxErrors(sourceFile);
  return {
    schema: byFile.get(schemaFile)!,
    files: [...byFile.keys()],
    instantSpecifiers: [...instantSpecifiers].sort(),
    sourceFileOf: (file) => byFile.get(file),
  };
}

function moduleSpecifiers(sourceFile: SourceFile): string[] {
  const fromImports = sourceFile.getImportDeclarations().map((d) => d.getModuleSpecifierValue());
  const fromExports = sourceFile.getExportDeclarations().flatMap((d) => d.getModuleSpecifierValue() ?? []);
  return [...fromImports, ...fromExports];
}

/** Resolves a relative specifier the way TypeScript tooling does, including `.js` written for a `.ts` file. */
export function resolveLocal(fromDir: string, specifier: string): string | undefined {
  const base = path.resolve(fromDir, specifier);
  const stripped = base.replace(/\.(c|m)?js$/, '');
  for (const candidate of [base, ...RESOLVE_EXTENSIONS.map((ext) => stripped + ext)]) {
    try {
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next candidate
    }
  }
  return undefined;
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
