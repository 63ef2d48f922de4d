/**
 * A generated module as type declarations plus values. The values are written three ways, so the same
 * module renders as one `.ts` file, or as a `.js` file with a `.d.ts` beside it (`--output dts`).
 */
export interface ModuleParts {
  /** Imports the types need (`import type ...`, and `rt` for runtime types). */
  typeImports: string[];
  types: string;
  /** Imports the values need at run time. */
  valueImports: string[];
  values: { ts: string; js: string; dts: string };
}

/** `stem` without extension → file name → content. */
export function renderModule(stem: string, parts: ModuleParts, output: 'ts' | 'dts', header: string): [string, string][] {
  const unique = (lines: string[]) => [...new Set(lines)].join('\n');
  if (output === 'ts') {
    return [[`${stem}.ts`, `${header}${unique([...parts.valueImports, ...parts.typeImports])}\n\n${parts.types}\n${parts.values.ts}`]];
  }
  return [
    [`${stem}.d.ts`, `${header}${unique(parts.typeImports)}\n\n${parts.types}\n${parts.values.dts}`],
    [`${stem}.js`, `${header}${unique(parts.valueImports)}\n\n${parts.values.js}`],
  ];
}

/**
 * The output files, and which of them are final as emitted: laid out as prettier would lay them out (a test
 * checks it), or not code (the generated README). Those skip prettier, which is the slowest step by far.
 */
export class EmittedFiles extends Map<string, string> {
  readonly final = new Set<string>();
}
