import * as prettier from 'prettier';

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

export async function formatFiles(files: Map<string, string>): Promise<Map<string, string>> {
  const entries = await Promise.all(
    [...files].map(async ([file, text]) => {
      const parser = file.endsWith('.json') ? 'json' : 'typescript';
      return [file, await prettier.format(text, { ...PRETTIER_OPTIONS, parser })] as const;
    }),
  );
  return new Map(entries);
}
