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
  const printed = await formatEach([...texts], (text) => `type T = ${text};`, { ...PRETTIER_OPTIONS, parser: 'typescript' });
  [...texts].forEach((text, n) => normalized.set(text, printed[n].replace(/^type T =\s*/, '').replace(/;\s*$/, '')));
  const norm = (text?: string) => (text === undefined ? undefined : normalized.get(text));
  const asTypes = [...new Set(ir.entities.flatMap((e) => norm(e.asType) ?? []))];
  const joined = new Map(zip(asTypes, await inIntersection(asTypes)));
  return {
    ...ir,
    entities: ir.entities.map((e) => {
      const asType = norm(e.asType);
      const entity = { ...e, asType, attrs: e.attrs.map((a) => ({ ...a, tsType: norm(a.tsType) })) };
      const asTypeInIntersection = asType === undefined ? undefined : joined.get(asType);
      return asTypeInIntersection === undefined ? entity : { ...entity, asTypeInIntersection };
    }),
  };
}

/**
 * How prettier prints `.asType<T>()` texts inside an intersection (parentheses kept only where T needs them),
 * on one line (a very wide print width): a module whose lines then exceed the width still goes through prettier.
 */
async function inIntersection(texts: string[]): Promise<(string | undefined)[]> {
  const wide = { ...PRETTIER_OPTIONS, printWidth: Number.MAX_SAFE_INTEGER, parser: 'typescript' };
  const printed = await formatEach(texts, (text) => `type X = Before & (${text}) & After;`, wide);
  // An intersection inside the intersection is laid out by prettier in ways that depend on the whole line.
  return printed.map((p, n) => (texts[n].includes('&') ? undefined : /^type X = Before & ([\s\S]*) & After;\n$/.exec(p)?.[1]));
}

const zip = <A, B>(as: A[], bs: B[]): [A, B][] => as.map((a, n) => [a, bs[n]]);

/**
 * `prettier.format(wrap(text))` for each text, in one call: each call costs a parse and a print setup, which
 * for hundreds of type texts cost more than the rest of generation. The statements are printed in one file,
 * separated by marker comments, and cut apart again; if that fails (a text that does not parse, a text that
 * holds a marker), each is formatted alone.
 */
async function formatEach(texts: string[], wrap: (text: string) => string, options: Prettier.Options): Promise<string[]> {
  if (texts.length === 0) return [];
  const prettier = await loadPrettier();
  const marker = (n: number) => `// @instant-codegen-part ${n}`;
  const batch = texts.map((text, n) => `${marker(n)}\n${wrap(text)}\n`).join('');
  const parts = await prettier.format(batch, options).then(
    (printed) => printed.split(/^\/\/ @instant-codegen-part \d+\n/m).slice(1),
    () => [],
  );
  if (parts.length === texts.length && !texts.some((t) => t.includes('@instant-codegen-part'))) return parts;
  return Promise.all(texts.map((text) => prettier.format(wrap(text), options)));
}
