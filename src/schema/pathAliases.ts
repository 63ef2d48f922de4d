import path from 'node:path';
import type { ts as TS } from 'ts-morph';
import { ts } from '../util/tsMorph.js';
import { resolveLocal } from './resolveLocal.js';

// `import type { Prefs } from '@/lib/types/prefs'` resolves only under the user's own compiler settings
// (`paths`, `baseUrl`). The generated `user-types.ts` must compile wherever it is used, NodeNext included,
// so such an import is resolved here, with the tsconfig.json that governs the importing file, to the file
// it names; the emitter then writes a relative import of that file.

interface Aliases {
  paths: Record<string, string[]>;
  /** What `paths` substitutions are relative to: `baseUrl`, else the folder of the tsconfig that sets `paths`. */
  pathsBase: string;
  baseUrl?: string;
}

export interface AliasResolver {
  /** The local file an alias names (`@/lib/types` → `<root>/src/lib/types.ts`), if any. */
  resolve(fromFile: string, specifier: string): string | undefined;
  /**
   * Every tsconfig consulted, with the configs it `extends`, sorted: inputs of the generation, since a change
   * to them can change where an alias leads.
   */
  configFiles(): string[];
}

/** A resolver that reads each tsconfig once. */
export function createAliasResolver(): AliasResolver {
  const byConfig = new Map<string, { aliases?: Aliases; files: string[] }>();
  const configByDir = new Map<string, string | undefined>();
  const aliasesFor = (fromFile: string) => {
    const dir = path.dirname(fromFile);
    if (!configByDir.has(dir)) configByDir.set(dir, ts.findConfigFile(dir, ts.sys.fileExists, 'tsconfig.json'));
    const config = configByDir.get(dir);
    if (!config) return undefined;
    if (!byConfig.has(config)) byConfig.set(config, readAliases(path.resolve(config)));
    return byConfig.get(config)!.aliases;
  };
  return {
    resolve: (fromFile, specifier) => {
      if (specifier.startsWith('.') || path.isAbsolute(specifier)) return undefined;
      const aliases = aliasesFor(fromFile);
      return aliases && resolveAlias(aliases, specifier);
    },
    configFiles: () => [...new Set([...byConfig.values()].flatMap((c) => c.files))].sort(),
  };
}

function readAliases(configFile: string): { aliases?: Aliases; files: string[] } {
  const source = ts.readJsonConfigFile(configFile, ts.sys.readFile);
  // No file enumeration: only the options (with `extends` followed) are needed.
  const host: TS.ParseConfigHost = { ...ts.sys, readDirectory: () => [] };
  const { options } = ts.parseJsonSourceFileConfigFileContent(source, host, path.dirname(configFile), undefined, configFile);
  const files = [configFile, ...((source as { extendedSourceFiles?: string[] }).extendedSourceFiles ?? []).map((f) => path.resolve(f))];
  if (!options.paths && !options.baseUrl) return { files };
  // `pathsBasePath` is where TypeScript itself resolves `paths` from when there is no baseUrl (the folder of the
  // tsconfig that declares them, which `extends` may make another one).
  const pathsBasePath = (options as { pathsBasePath?: string }).pathsBasePath;
  const aliases = { paths: options.paths ?? {}, pathsBase: options.baseUrl ?? pathsBasePath ?? path.dirname(configFile), baseUrl: options.baseUrl };
  return { aliases, files };
}

/** TypeScript's rule: the pattern with the longest prefix before its `*` wins; its substitutions are tried in order. */
function resolveAlias(aliases: Aliases, specifier: string): string | undefined {
  let best: { pattern: string; captured: string; prefixLength: number } | undefined;
  for (const pattern of Object.keys(aliases.paths)) {
    const star = pattern.indexOf('*');
    if (star === -1) {
      if (pattern === specifier) best = { pattern, captured: '', prefixLength: Infinity };
      continue;
    }
    const [prefix, suffix] = [pattern.slice(0, star), pattern.slice(star + 1)];
    const fits = specifier.length >= prefix.length + suffix.length && specifier.startsWith(prefix) && specifier.endsWith(suffix);
    if (fits && (!best || prefix.length > best.prefixLength)) {
      best = { pattern, captured: specifier.slice(prefix.length, specifier.length - suffix.length), prefixLength: prefix.length };
    }
  }
  if (best) {
    for (const substitution of aliases.paths[best.pattern] ?? []) {
      const file = resolveFile(aliases.pathsBase, substitution.replace('*', best.captured));
      if (file && !isInNodeModules(file)) return file;
    }
  }
  // With a baseUrl, any non-relative name is also looked up under it (`lib/types` for `<baseUrl>/lib/types.ts`).
  const underBase = aliases.baseUrl ? resolveFile(aliases.baseUrl, specifier) : undefined;
  return underBase && !isInNodeModules(underBase) ? underBase : undefined;
}

/** A module file, declaration files included (`@/types/env` for `src/types/env.d.ts`). */
function resolveFile(dir: string, target: string): string | undefined {
  const base = path.resolve(dir, target);
  return resolveLocal(dir, target) ?? [`${base}.d.ts`, path.join(base, 'index.d.ts')].find((f) => ts.sys.fileExists(f));
}

const isInNodeModules = (file: string) => file.split(path.sep).includes('node_modules');
