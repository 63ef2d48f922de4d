import path from 'node:path';
import { Node, type Expression, type ObjectLiteralExpression, type SourceFile } from 'ts-morph';
import { resolveLocal } from './parseModules.js';

// Following a value from where it is used to where it is written, through local consts and through the
// imports of the schema's local modules (`import { notifications } from './schema/notifications'`,
// `export * from`, `export { x as y }`, namespace imports), so that type arguments written in any module
// are read where they are written. Only syntax is read: asking the compiler for symbols would build a
// type checker, which costs more than everything else.

/** The parsed local modules, by absolute path (what parseModules read). */
export type ModuleLookup = (file: string) => SourceFile | undefined;

const MAX_HOPS = 20;

/** Looks through `as`, `satisfies`, parentheses, consts and imports to the expression that builds the value. */
export function followValue(expr: Node | undefined, modules: ModuleLookup): Node | undefined {
  let node = expr;
  for (let hops = 0; hops < MAX_HOPS && node; hops++) {
    if (Node.isAsExpression(node) || Node.isSatisfiesExpression(node) || Node.isParenthesizedExpression(node) || Node.isTypeAssertion(node)) {
      node = node.getExpression();
      continue;
    }
    const next = Node.isIdentifier(node)
      ? bindingOf(node.getSourceFile(), node.getText(), modules)
      : Node.isPropertyAccessExpression(node)
        ? namespaceMember(node, modules)
        : undefined;
    if (!next) break;
    node = next;
  }
  return node;
}

/** The object literal a value is, when it is one. */
export function followObject(expr: Node | undefined, modules: ModuleLookup): ObjectLiteralExpression | undefined {
  const node = followValue(expr, modules);
  return node && Node.isObjectLiteralExpression(node) ? node : undefined;
}

/** What a name is bound to in a module: a top-level const's initializer, or what an import brings in. */
function bindingOf(sourceFile: SourceFile, name: string, modules: ModuleLookup): Node | undefined {
  const local = sourceFile.getVariableDeclaration(name);
  if (local) return local.getInitializer();
  for (const decl of sourceFile.getImportDeclarations()) {
    const target = targetModule(sourceFile, decl.getModuleSpecifierValue(), modules);
    if (!target) continue;
    if (decl.getDefaultImport()?.getText() === name) return exportedValue(target, 'default', modules);
    const named = decl.getNamedImports().find((n) => (n.getAliasNode()?.getText() ?? n.getName()) === name);
    if (named) return exportedValue(target, named.getName(), modules);
  }
  return undefined;
}

/** `ns.entities` where `import * as ns from './local'`. */
function namespaceMember(access: Node & { getExpression(): Node; getName(): string }, modules: ModuleLookup): Node | undefined {
  const target = access.getExpression();
  if (!Node.isIdentifier(target)) return undefined;
  const sourceFile = access.getSourceFile();
  for (const decl of sourceFile.getImportDeclarations()) {
    if (decl.getNamespaceImport()?.getText() !== target.getText()) continue;
    const module = targetModule(sourceFile, decl.getModuleSpecifierValue(), modules);
    return module && exportedValue(module, access.getName(), modules);
  }
  return undefined;
}

/** The value a module exports under `name`, following `export { a as b }` and re-exports. */
function exportedValue(sourceFile: SourceFile, name: string, modules: ModuleLookup, depth = 0): Node | undefined {
  if (depth > MAX_HOPS) return undefined;
  if (name === 'default') {
    const assignment = sourceFile.getExportAssignment((e) => !e.isExportEquals());
    if (assignment) return assignment.getExpression();
  }
  const declared = sourceFile.getVariableDeclaration(name);
  if (declared?.getVariableStatement()?.isExported()) return declared.getInitializer();
  for (const decl of sourceFile.getExportDeclarations()) {
    const specifier = decl.getModuleSpecifierValue();
    const from = specifier === undefined ? undefined : targetModule(sourceFile, specifier, modules);
    if (decl.isNamespaceExport()) {
      // `export * from './x'` (not `export * as ns`, whose members are not values of their own)
      if (from && !decl.getNamespaceExport()) {
        const found = exportedValue(from, name, modules, depth + 1);
        if (found) return found;
      }
      continue;
    }
    const named = decl.getNamedExports().find((e) => (e.getAliasNode()?.getText() ?? e.getName()) === name);
    if (!named) continue;
    return from ? exportedValue(from, named.getName(), modules, depth + 1) : bindingOf(sourceFile, named.getName(), modules);
  }
  return undefined;
}

function targetModule(sourceFile: SourceFile, specifier: string, modules: ModuleLookup): SourceFile | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const file = resolveLocal(path.dirname(sourceFile.getFilePath()), specifier);
  return file ? modules(file) : undefined;
}

/**
 * `key: value`, shorthand `key` and `...spread` properties of an object literal with statically known names,
 * in source order (a later key wins, as at runtime). Spreads of objects written elsewhere are followed.
 */
export function literalProperties(obj: ObjectLiteralExpression | undefined, modules: ModuleLookup, depth = 0): [string, Expression][] {
  if (!obj || depth > MAX_HOPS) return [];
  const result: [string, Expression][] = [];
  for (const prop of obj.getProperties()) {
    if (Node.isPropertyAssignment(prop)) {
      const name = staticName(prop.getNameNode(), modules);
      const init = prop.getInitializer();
      if (name !== undefined && init) result.push([name, init]);
    } else if (Node.isShorthandPropertyAssignment(prop)) {
      result.push([prop.getName(), prop.getNameNode()]);
    } else if (Node.isSpreadAssignment(prop)) {
      result.push(...literalProperties(followObject(prop.getExpression(), modules), modules, depth + 1));
    }
  }
  return result;
}

function staticName(node: Node, modules: ModuleLookup): string | undefined {
  if (Node.isIdentifier(node) || Node.isPrivateIdentifier(node)) return node.getText();
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node) || Node.isNumericLiteral(node)) return node.getLiteralText();
  if (Node.isComputedPropertyName(node)) {
    const inner = followValue(node.getExpression(), modules);
    if (Node.isStringLiteral(inner) || Node.isNoSubstitutionTemplateLiteral(inner)) return inner.getLiteralText();
  }
  return undefined;
}
