import path from 'node:path';
import * as prettier from 'prettier';
import type { EmitSettings } from '../config/options.js';

/** Fixed on purpose: the output must be byte-identical on every machine, whatever the user's prettier config. */
export const PRETTIER_OPTIONS: prettier.Options = {
  printWidth: 110,
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

/** Formats every file; with `prettier: 'project'`, the config prettier finds for the output folder wins. */
export async function formatFiles(files: Map<string, string>, settings?: EmitSettings, outDir = process.cwd()): Promise<Map<string, string>> {
  const project = settings?.prettier === 'project' ? await prettier.resolveConfig(path.join(outDir, 'index.ts'), { editorconfig: true }) : null;
  const options = { ...PRETTIER_OPTIONS, ...project };
  const entries = await Promise.all(
    [...files].map(async ([file, text]) => {
      const parser = file.endsWith('.json') ? 'json' : file.endsWith('.md') ? 'markdown' : file.endsWith('.js') ? 'babel' : 'typescript';
      return [file, await prettier.format(text, { ...options, parser })] as const;
    }),
  );
  return new Map(entries);
}
