import type { Node, SourceFile, ts as TS } from 'ts-morph';
import { ts } from '../util/tsMorph.js';
import type { TypeSourceIR } from '../ir/types.js';
import path from 'node:path';
import { resolveLocal } from './parseModules.js';
import { createAliasResolver } from './pathAliases.js';
import type { ModuleLookup } from './followValues.js';

type ImportIR = TypeSourceIR['imports'][number];
type AliasResolver = ReturnType<typeof createAliasResolver>;

/**
 * Finds what the type arguments written in the schema refer to, so the generated code can name the same
 * types: imports are reproduced (relative paths fixed later), local declarations are copied.
 */
export function readTypeSources(typeNodes: TS.Node[], modules: ModuleLookup): TypeSourceIR {
  const imports = new Map<string, ImportIR>();
  const resolveAlias = createAliasResolver();
  const declarations: { pos: number; file: string; text: string }[] = [];
  const seen = new Set<string>();
  const queue = [...typeNodes];
  while (queue.length > 0) {
    const node = queue.shift()!;
    // Type arguments may be written in any local module (see followValues): each is read in its own.
    const sf = node.getSourceFile();
    const sourceFile = modules(path.resolve(sf.fileName));
    if (!sourceFile) continue;
    for (const name of referencedNames(sf, node)) {
      const key = `${sourceFile.getFilePath()}#${name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (addImport(sourceFile, name, imports, resolveAlias)) continue;
      const local = localDeclaration(sourceFile, name);
      if (!local) continue; // a global type (Array, Record, Date, ...)
      declarations.push({ pos: local.getStart(), file: sourceFile.getFilePath(), text: exported(local) });
      queue.push(local.compilerNode);
    }
  }
  declarations.sort((a, b) => (a.file === b.file ? a.pos - b.pos : a.file < b.file ? -1 : 1));
  return { imports: [...imports.values()], declarations: declarations.map((d) => d.text) };
}

/** Leftmost identifiers of type references and `typeof` queries inside `node` (and `node` itself). */
function referencedNames(sf: TS.SourceFile, node: TS.Node): string[] {
  const names: string[] = [];
  const visit = (n: TS.Node): void => {
    if (ts.isTypeReferenceNode(n) || ts.isExpressionWithTypeArguments(n)) {
      const typeName = ts.isTypeReferenceNode(n) ? n.typeName : n.expression;
      names.push(typeName.getText(sf).split('.')[0]);
    } else if (ts.isTypeQueryNode(n)) {
      names.push(n.exprName.getText(sf).split('.')[0]);
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return names;
}

/**
 * Records the import that brings `name` into the module. Relative imports and tsconfig path aliases
 * (`@/lib/types`) are kept as the absolute file they name, made relative to the output folder later.
 */
function addImport(sourceFile: SourceFile, name: string, imports: Map<string, ImportIR>, resolveAlias: AliasResolver): boolean {
  for (const decl of sourceFile.getImportDeclarations()) {
    const specifier = decl.getModuleSpecifierValue();
    const named = decl.getNamedImports().find((n) => (n.getAliasNode()?.getText() ?? n.getName()) === name);
    const isDefault = decl.getDefaultImport()?.getText() === name;
    const isNamespace = decl.getNamespaceImport()?.getText() === name;
    if (!named && !isDefault && !isNamespace) continue;
    const dir = path.dirname(sourceFile.getFilePath());
    const relative = specifier.startsWith('.');
    const resolvedFile = relative ? resolveLocal(dir, specifier) : resolveAlias(sourceFile.getFilePath(), specifier);
    const key = !resolvedFile ? specifier : relative ? path.resolve(dir, specifier) : resolvedFile;
    const entry = imports.get(key) ?? { specifier: key, resolvedFile, names: [] };
    entry.names.push({ name: named ? named.getName() : name, alias: name, isDefault, isNamespace });
    imports.set(key, entry);
    return true;
  }
  return false;
}

function localDeclaration(sourceFile: SourceFile, name: string): Node | undefined {
  return (
    sourceFile.getInterface(name) ??
    sourceFile.getTypeAlias(name) ??
    sourceFile.getEnum(name) ??
    sourceFile.getClass(name) ??
    // `typeof PRIORITIES`: copy the whole `const` statement
    sourceFile.getVariableDeclaration(name)?.getVariableStatement()
  );
}

/** The declaration's text, exported, without `declare`/`default` noise. */
function exported(decl: Node): string {
  const text = decl.getText();
  const bare = text.replace(/^(export\s+)?(default\s+)?(declare\s+)?/, '');
  return `export ${bare}`;
}
