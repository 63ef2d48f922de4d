import path from 'node:path';
import type * as Prettier from 'prettier';
import type { EmitSettings } from '../config/options.js';
import type { SchemaIR } from '../ir/types.js';
import { PRINT_WIDTH } from '../emit/layout.js';
import { EmittedFiles } from '../emit/moduleParts.js';

/** Fixed on purpose: the output must be byte-identical on every machine, whatever the user's prettier config. */
export const PRETTIER_OPTIONS: Prettier.Options = {
  printWidth: PRINT_WIDTH,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: true,
  quoteProps: 'as-needed',
  trailingComma: 'all',
  bracketSpacing: true,
  arrowParens: 'always',
  endOfLine: 'lf',
};

/** Prettier, loaded when there is something to format: the emitter lays most files out itself (`final`). */
const loadPrettier = () => import('prettier');

/** Formats every file; with `prettier: 'project'`, the config prettier finds for the output folder wins. */
export async function formatFiles(files: Map<string, string>, settings?: EmitSettings, outDir = process.cwd()): Promise<Map<string, string>> {
  const project = settings?.prettier === 'project' ? await (await loadPrettier()).resolveConfig(path.join(outDir, 'index.ts'), { editorconfig: true }) : null;
  const options = { ...PRETTIER_OPTIONS, ...project };
  const final = files instanceof EmittedFiles && !project ? files.final : new Set<string>();
  // One file at a time: prettier only computes, and formatting all at once kept every file's syntax tree
  // alive together (3.6 GB for a 5 MB schema).
  const formatted = new Map<string, string>();
  for (const [file, text] of files) {
    if (final.has(file)) {
      formatted.set(file, text);
      continue;
    }
    const parser = file.endsWith('.json') ? 'json' : file.endsWith('.md') ? 'markdown' : file.endsWith('.js') ? 'babel' : 'typescript';
    formatted.set(file, await (await loadPrettier()).format(text, { ...options, parser }));
  }
  return formatted;
}

/**
 * The type texts the user wrote (`i.json<T>()`, `.asType<T>()`) as prettier prints them, each formatted
 * once: then entity modules that use them can still be laid out by the emitter without prettier.
 */
export async function normalizeTypeTexts(ir: SchemaIR): Promise<SchemaIR> {
  const texts = new Set<string>();
  for (const entity of ir.entities) {
    if (entity.asType) texts.add(entity.asType);
    for (const attr of entity.attrs) if (attr.tsType) texts.add(attr.tsType);
  }
  const normalized = new Map<string, string>();
  for (const text of texts) {
    const printed = await (await loadPrettier()).format(`type T = ${text};`, { ...PRETTIER_OPTIONS, parser: 'typescript' });
    normalized.set(text, printed.replace(/^type T =\s*/, '').replace(/;\s*$/, ''));
  }
  const norm = (text?: string) => (text === undefined ? undefined : normalized.get(text));
  return {
    ...ir,
    entities: ir.entities.map((e) => ({ ...e, asType: norm(e.asType), attrs: e.attrs.map((a) => ({ ...a, tsType: norm(a.tsType) })) })),
  };
}
