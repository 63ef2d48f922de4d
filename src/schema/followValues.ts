import type { SourceFile, ts as TS } from 'ts-morph';
import { ts } from '../util/tsMorph.js';

// Following a value from where it is used to where it is written, through local consts and through the
// imports of the schema's local modules (`import { notifications } from './schema/notifications'`,
// `export * from`, `export { x as y }`, namespace imports), so that type arguments written in any module
// are read where they are written. Only syntax is read, on the compiler's own nodes: asking the compiler for
// symbols would build a type checker, and wrapping nodes in ts-morph's classes costs more than parsing.

/** The parsed local modules (what parseModules read), and how their imports resolve. */
export interface ModuleLookup {
  /** A parsed module by absolute path. */
  sourceFileOf(file: string): SourceFile | undefined;
  /** The local file an import names, relative or through a tsconfig path alias (the rules of pathAliases.ts). */
  resolveImport(fromFile: string, specifier: string): string | undefined;
}

const MAX_HOPS = 20;

/** A module's top-level statements that bind or export names, indexed once per parsed file. */
interface ModuleIndex {
  /** Top-level variables (the first declaration of a name), with whether their statement is exported. */
  variables: Map<string, { init?: TS.Expression; exported: boolean }>;
  imports: TS.ImportDeclaration[];
  exports: TS.ExportDeclaration[];
  defaultExport?: TS.Expression;
}

const indexes = new WeakMap<TS.SourceFile, ModuleIndex>();

function indexOf(sf: TS.SourceFile): ModuleIndex {
  let index = indexes.get(sf);
  if (index) return index;
  index = { variables: new Map(), imports: [], exports: [] };
  for (const statement of sf.statements) {
    if (ts.isVariableStatement(statement)) {
      const exported = statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
      for (const decl of statement.declarationList.declarations) {
        if (ts.isIdentifier(decl.name) && !index.variables.has(decl.name.text)) index.variables.set(decl.name.text, { init: decl.initializer, exported });
      }
    } else if (ts.isImportDeclaration(statement)) index.imports.push(statement);
    else if (ts.isExportDeclaration(statement)) index.exports.push(statement);
    else if (ts.isExportAssignment(statement) && !statement.isExportEquals) index.defaultExport ??= statement.expression;
  }
  indexes.set(sf, index);
  return index;
}

/** Looks through `as`, `satisfies`, parentheses, consts and imports to the expression that builds the value. */
export function followValue(expr: TS.Node | undefined, modules: ModuleLookup): TS.Node | undefined {
  let node = expr;
  for (let hops = 0; hops < MAX_HOPS && node; hops++) {
    if (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node) || ts.isTypeAssertionExpression(node)) {
      node = node.expression;
      continue;
    }
    const next = ts.isIdentifier(node)
      ? bindingOf(node.getSourceFile(), node.text, modules)
      : ts.isPropertyAccessExpression(node)
        ? namespaceMember(node, modules)
        : undefined;
    if (!next) break;
    node = next;
  }
  return node;
}

/** The object literal a value is, when it is one. */
export function followObject(expr: TS.Node | undefined, modules: ModuleLookup): TS.ObjectLiteralExpression | undefined {
  const node = followValue(expr, modules);
  return node && ts.isObjectLiteralExpression(node) ? node : undefined;
}

const specifierOf = (decl: TS.ImportDeclaration | TS.ExportDeclaration) =>
  decl.moduleSpecifier && ts.isStringLiteral(decl.moduleSpecifier) ? decl.moduleSpecifier.text : undefined;

/** What a name is bound to in a module: a top-level const's initializer, or what an import brings in. */
function bindingOf(sf: TS.SourceFile, name: string, modules: ModuleLookup): TS.Node | undefined {
  const index = indexOf(sf);
  const local = index.variables.get(name);
  if (local) return local.init;
  for (const decl of index.imports) {
    const clause = decl.importClause;
    const specifier = specifierOf(decl);
    if (!clause || specifier === undefined) continue;
    const isDefault = clause.name?.text === name;
    const bindings = clause.namedBindings;
    const named = bindings && ts.isNamedImports(bindings) ? bindings.elements.find((e) => e.name.text === name) : undefined;
    if (!isDefault && !named) continue;
    const target = targetModule(sf, specifier, modules);
    if (!target) continue;
    return exportedValue(target, isDefault ? 'default' : (named!.propertyName ?? named!.name).text, modules);
  }
  return undefined;
}

/** `ns.entities` where `import * as ns from './local'`. */
function namespaceMember(access: TS.PropertyAccessExpression, modules: ModuleLookup): TS.Node | undefined {
  const target = access.expression;
  if (!ts.isIdentifier(target)) return undefined;
  const sf = access.getSourceFile();
  for (const decl of indexOf(sf).imports) {
    const bindings = decl.importClause?.namedBindings;
    if (!bindings || !ts.isNamespaceImport(bindings) || bindings.name.text !== target.text) continue;
    const specifier = specifierOf(decl);
    const module = specifier === undefined ? undefined : targetModule(sf, specifier, modules);
    return module && exportedValue(module, access.name.text, modules);
  }
  return undefined;
}

/** The value a module exports under `name`, following `export { a as b }` and re-exports. */
function exportedValue(sf: TS.SourceFile, name: string, modules: ModuleLookup, depth = 0): TS.Node | undefined {
  if (depth > MAX_HOPS) return undefined;
  const index = indexOf(sf);
  if (name === 'default' && index.defaultExport) return index.defaultExport;
  const declared = index.variables.get(name);
  if (declared?.exported) return declared.init;
  for (const decl of index.exports) {
    const specifier = specifierOf(decl);
    const from = specifier === undefined ? undefined : targetModule(sf, specifier, modules);
    const clause = decl.exportClause;
    if (!clause || ts.isNamespaceExport(clause)) {
      // `export * from './x'` (not `export * as ns`, whose members are not values of their own)
      if (from && !clause) {
        const found = exportedValue(from, name, modules, depth + 1);
        if (found) return found;
      }
      continue;
    }
    const named = clause.elements.find((e) => e.name.text === name);
    if (!named) continue;
    const original = (named.propertyName ?? named.name).text;
    return from ? exportedValue(from, original, modules, depth + 1) : bindingOf(sf, original, modules);
  }
  return undefined;
}

function targetModule(sf: TS.SourceFile, specifier: string, modules: ModuleLookup): TS.SourceFile | undefined {
  const file = modules.resolveImport(sf.fileName, specifier);
  return file ? modules.sourceFileOf(file)?.compilerNode : undefined;
}

/**
 * `key: value`, shorthand `key` and `...spread` properties of an object literal with statically known names,
 * in source order (a later key wins, as at runtime). Spreads of objects written elsewhere are followed.
 */
export function literalProperties(obj: TS.ObjectLiteralExpression | undefined, modules: ModuleLookup, depth = 0): [string, TS.Expression][] {
  if (!obj || depth > MAX_HOPS) return [];
  const result: [string, TS.Expression][] = [];
  for (const prop of obj.properties) {
    if (ts.isPropertyAssignment(prop)) {
      const name = staticName(prop.name, modules);
      if (name !== undefined) result.push([name, prop.initializer]);
    } else if (ts.isShorthandPropertyAssignment(prop)) {
      result.push([prop.name.text, prop.name]);
    } else if (ts.isSpreadAssignment(prop)) {
      result.push(...literalProperties(followObject(prop.expression, modules), modules, depth + 1));
    }
  }
  return result;
}

function staticName(node: TS.PropertyName, modules: ModuleLookup): string | undefined {
  if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) return node.text;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isNumericLiteral(node)) return node.text;
  if (ts.isComputedPropertyName(node)) {
    const inner = followValue(node.expression, modules);
    if (inner && (ts.isStringLiteral(inner) || ts.isNoSubstitutionTemplateLiteral(inner))) return inner.text;
  }
  return undefined;
}
