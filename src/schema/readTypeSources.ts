import type { Node, SourceFile, ts as TS } from 'ts-morph';
import { ts } from '../util/tsMorph.js';
import type { SourceLocation, TypeSourceIR } from '../ir/types.js';
import path from 'node:path';
import { SchemaError } from '../ir/SchemaError.js';
import type { ModuleLookup } from './followValues.js';
import { locationOf } from './readDslSource.js';

type ImportIR = TypeSourceIR['imports'][number];

/**
 * The names `user-types.ts` binds, each with what it is (`identity`) and where it comes from: the same name
 * from two modules is one binding when it is the same thing (an import of the same export, an identical
 * declaration), and a clash otherwise.
 */
class Bindings {
  /** `where` locations in messages are relative to this folder (the schema's). */
  constructor(private readonly base: string) {}
  private readonly byName = new Map<string, { identity: string; where: SourceLocation }>();
  readonly problems: SchemaError[] = [];

  /** True when `name` is new; false when already bound to the same thing; a problem when bound to another. */
  add(name: string, identity: string, where: SourceLocation): boolean {
    const known = this.byName.get(name);
    if (!known) {
      this.byName.set(name, { identity, where });
      return true;
    }
    if (known.identity !== identity) {
      const at = (l: SourceLocation) => `${path.relative(this.base, l.file)}:${l.line}:${l.column}`;
      this.problems.push(
        new SchemaError(
          `two different types named \`${name}\` are used in type arguments (${at(known.where)} and ${at(where)}); both would be copied into the generated user-types.ts, where one name can mean only one type`,
          where,
          `Rename one of them, or declare \`${name}\` once in a module that both import it from.`,
        ),
      );
    }
    return false;
  }
}

/**
 * Finds what the type arguments written in the schema refer to, so the generated code can name the same
 * types: imports are reproduced (relative paths fixed later), local declarations are copied.
 */
export function readTypeSources(typeNodes: TS.Node[], modules: ModuleLookup, files: string[] = []): TypeSourceIR {
  const imports = new Map<string, ImportIR>();
  const bindings = new Bindings(files[0] ? path.dirname(files[0]) : process.cwd());
  const declarations: { pos: number; file: string; text: string }[] = [];
  const seen = new Set<string>();
  const queue = [...typeNodes];
  while (queue.length > 0) {
    const node = queue.shift()!;
    // Type arguments may be written in any local module (see followValues): each is read in its own.
    const sf = node.getSourceFile();
    const sourceFile = modules.sourceFileOf(path.resolve(sf.fileName));
    if (!sourceFile) continue;
    for (const name of referencedNames(sf, node)) {
      const key = `${sourceFile.getFilePath()}#${name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (addImport(sourceFile, name, imports, modules, bindings)) continue;
      const local = localDeclaration(sourceFile, name);
      if (!local) continue; // a global type (Array, Record, Date, ...)
      const text = exported(local);
      if (!bindings.add(name, `declaration ${text}`, locationOf(local))) continue;
      declarations.push({ pos: local.getStart(), file: sourceFile.getFilePath(), text });
      queue.push(local.compilerNode);
    }
  }
  const problem = SchemaError.all(bindings.problems, files);
  if (problem) throw problem;
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
function addImport(sourceFile: SourceFile, name: string, imports: Map<string, ImportIR>, modules: ModuleLookup, bindings: Bindings): boolean {
  for (const decl of sourceFile.getImportDeclarations()) {
    const specifier = decl.getModuleSpecifierValue();
    const named = decl.getNamedImports().find((n) => (n.getAliasNode()?.getText() ?? n.getName()) === name);
    const isDefault = decl.getDefaultImport()?.getText() === name;
    const isNamespace = decl.getNamespaceImport()?.getText() === name;
    if (!named && !isDefault && !isNamespace) continue;
    const dir = path.dirname(sourceFile.getFilePath());
    const resolvedFile = modules.resolveImport(sourceFile.getFilePath(), specifier);
    const key = !resolvedFile ? specifier : specifier.startsWith('.') ? path.resolve(dir, specifier) : resolvedFile;
    const imported = { name: named ? named.getName() : name, alias: name, isDefault, isNamespace };
    const what = isNamespace ? '*' : isDefault ? 'default' : imported.name;
    if (!bindings.add(name, `import ${what} from ${resolvedFile ?? specifier}`, locationOf(named ?? decl))) return true;
    const entry = imports.get(key) ?? { specifier: key, resolvedFile, names: [] };
    entry.names.push(imported);
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
