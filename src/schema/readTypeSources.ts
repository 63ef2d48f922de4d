import type { Node, SourceFile, ts as TS } from 'ts-morph';
import { ts } from '../util/tsMorph.js';
import type { TypeSourceIR } from '../ir/types.js';
import { resolveLocal } from './parseModules.js';
import path from 'node:path';

type ImportIR = TypeSourceIR['imports'][number];

/**
 * Finds what the type arguments written in the schema refer to, so the generated code can name the same
 * types: imports are reproduced (relative paths fixed later), local declarations are copied.
 */
export function readTypeSources(sourceFile: SourceFile, typeNodes: TS.Node[]): TypeSourceIR {
  const imports = new Map<string, ImportIR>();
  const declarations: { pos: number; file: string; text: string }[] = [];
  const seen = new Set<string>();
  const queue = [...typeNodes];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const name of referencedNames(sourceFile.compilerNode, node)) {
      const key = `${sourceFile.getFilePath()}#${name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (addImport(sourceFile, name, imports)) continue;
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

function addImport(sourceFile: SourceFile, name: string, imports: Map<string, ImportIR>): boolean {
  for (const decl of sourceFile.getImportDeclarations()) {
    const specifier = decl.getModuleSpecifierValue();
    const named = decl.getNamedImports().find((n) => (n.getAliasNode()?.getText() ?? n.getName()) === name);
    const isDefault = decl.getDefaultImport()?.getText() === name;
    const isNamespace = decl.getNamespaceImport()?.getText() === name;
    if (!named && !isDefault && !isNamespace) continue;
    const resolvedFile = specifier.startsWith('.') ? resolveLocal(path.dirname(sourceFile.getFilePath()), specifier) : undefined;
    const key = resolvedFile ? path.resolve(path.dirname(sourceFile.getFilePath()), specifier) : specifier;
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
