import path from 'node:path';
import type { TypeSourceIR } from '../ir/types.js';

/** Names `user-types.ts` makes available: what type arguments in the schema refer to. */
export function userTypeNames(types: TypeSourceIR): string[] {
  const imported = types.imports.flatMap((i) => i.names.map((n) => n.alias));
  const declared = types.declarations.flatMap((d) => {
    const m = /^export\s+(?:interface|type|enum|class|const\s+enum|const|let|var)\s+([\p{ID_Start}$_][\p{ID_Continue}$]*)/u.exec(d);
    return m ? [m[1]] : [];
  });
  return [...new Set([...imported, ...declared])].sort();
}

/**
 * `user-types.ts`: the types named in `i.json<T>()`, `i.string<T>()` and `.asType<T>()`, re-imported from the
 * user's modules (paths made relative to the output folder) or copied from the schema file.
 */
export function userTypesModule(types: TypeSourceIR, outDir: string): string | undefined {
  if (types.imports.length === 0 && types.declarations.length === 0) return undefined;
  const lines: string[] = [];
  const reexported: string[] = [];
  for (const imp of types.imports) {
    // Relative imports are stored absolute; an unresolvable one keeps its original form.
    const specifier = path.isAbsolute(imp.specifier) ? relativeSpecifier(outDir, imp.resolvedFile ?? imp.specifier) : imp.specifier;
    for (const n of imp.names) {
      const clause = n.isNamespace ? `* as ${n.alias}` : n.isDefault ? n.alias : n.name === n.alias ? `{ ${n.name} }` : `{ ${n.name} as ${n.alias} }`;
      lines.push(`import type ${clause} from ${JSON.stringify(specifier)};`);
      reexported.push(n.alias);
    }
  }
  if (reexported.length) lines.push(`export type { ${reexported.join(', ')} };`);
  return [...lines, ...types.declarations].join('\n') + '\n';
}

/** A `.js`-style specifier: it resolves under NodeNext, Node16 and bundler resolution alike. */
function relativeSpecifier(outDir: string, file: string): string {
  const asJs = file.replace(/\.d\.([cm]?)ts$/, '.$1js').replace(/\.([cm]?)tsx?$/, '.$1js');
  const rel = path.relative(outDir, asJs).split(path.sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}
