import { Node, SyntaxKind, type SourceFile } from 'ts-morph';
import type { TypeSourceIR } from '../ir/types.js';
import path from 'node:path';
import { resolveLocal } from './parseModules.js';
import { createAliasResolver } from './pathAliases.js';

type ImportIR = TypeSourceIR['imports'][number];
type AliasResolver = ReturnType<typeof createAliasResolver>;

/**
 * Finds what the type arguments written in the schema refer to, so the generated code can name the same
 * types: imports are reproduced (relative paths fixed later), local declarations are copied.
 */
export function readTypeSources(typeNodes: Node[]): TypeSourceIR {
  const imports = new Map<string, ImportIR>();
  const resolveAlias = createAliasResolver();
  const declarations: { pos: number; file: string; text: string }[] = [];
  const seen = new Set<string>();
  const queue = [...typeNodes];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const name of referencedNames(node)) {
      const sourceFile = node.getSourceFile();
      const key = `${sourceFile.getFilePath()}#${name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (addImport(sourceFile, name, imports, resolveAlias)) continue;
      const local = localDeclaration(sourceFile, name);
      if (!local) continue; // a global type (Array, Record, Date, ...)
      declarations.push({ pos: local.getStart(), file: sourceFile.getFilePath(), text: exported(local) });
      queue.push(local);
    }
  }
  declarations.sort((a, b) => (a.file === b.file ? a.pos - b.pos : a.file < b.file ? -1 : 1));
  return { imports: [...imports.values()], declarations: declarations.map((d) => d.text) };
}

/** Leftmost identifiers of type references and `typeof` queries inside `node` (and `node` itself). */
function referencedNames(node: Node): string[] {
  const names: string[] = [];
  const visit = (n: Node) => {
    if (Node.isTypeReference(n) || Node.isExpressionWithTypeArguments(n)) {
      const typeName = Node.isTypeReference(n) ? n.getTypeName() : n.getExpression();
      names.push(typeName.getText().split('.')[0]);
    } else if (n.getKind() === SyntaxKind.TypeQuery) {
      names.push(n.getChildAtIndex(1).getText().split('.')[0]);
    }
    n.forEachChild(visit);
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
