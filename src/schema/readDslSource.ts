import { Node, SyntaxKind, type CallExpression, type Expression, type ObjectLiteralExpression, type SourceFile } from 'ts-morph';
import { followObject, followValue, literalProperties, type ModuleLookup } from './followValues.js';
import type { SourceLocation } from '../ir/types.js';
import { SchemaError } from '../ir/SchemaError.js';

/** What only the source text knows about an attribute (shared/docs/schema-format.md §1). */
export interface AttrSource {
  dsl: string;
  tsType?: Node;
  clientRequired: boolean;
  location: SourceLocation;
}

export interface EntitySource {
  asType?: Node;
  location: SourceLocation;
  attrs: Map<string, AttrSource>;
}

export interface SchemaSource {
  entities: Map<string, EntitySource>;
  links: Map<string, SourceLocation>;
  /** Where each literal value in `entities` and in each `i.entity({...})` is, whatever it is (for shape errors). */
  values: Map<string, SourceLocation>;
}

/** The key of `values`: `entities.<entity>` or `entities.<entity>.<attr>`. */
export const valueKey = (...path: string[]) => JSON.stringify(path);

const VALUE_BUILDERS = new Set(['string', 'number', 'boolean', 'date', 'json', 'any']);
const ATTR_MODIFIERS = new Set(['optional', 'unique', 'indexed', 'clientRequired']);
const DSL_MEMBERS = new Set(['schema', 'graph', 'entity', ...VALUE_BUILDERS]);

export function locationOf(node: Node): SourceLocation {
  const sourceFile = node.getSourceFile();
  // The compiler's line map (a binary search): ts-morph's getLineAndColumnAtPos scans the text up to the
  // position, which made reading a schema quadratic in its size (minutes for a 5 MB schema).
  const { line, character } = sourceFile.compilerNode.getLineAndCharacterOfPosition(node.getStart());
  return { file: sourceFile.getFilePath(), line: line + 1, column: character + 1 };
}

/** Local names under which a module binds Instant's `i` (`import { i as s } from '@instantdb/react'`, or `ns.i`). */
export function dslRoots(sourceFile: SourceFile): { names: Set<string>; namespaces: Set<string> } {
  const names = new Set<string>();
  const namespaces = new Set<string>();
  for (const decl of sourceFile.getImportDeclarations()) {
    const fromInstant = decl.getModuleSpecifierValue().startsWith('@instantdb/');
    for (const named of decl.getNamedImports()) {
      if (fromInstant && named.getName() === 'i') names.add(named.getAliasNode()?.getText() ?? 'i');
    }
    const ns = decl.getNamespaceImport();
    if (fromInstant && ns) namespaces.add(ns.getText());
  }
  return { names, namespaces };
}

/** Is `expr` a reference to `i` (by alias or through a namespace import)? */
function isDslRoot(expr: Node, roots: ReturnType<typeof dslRoots>): boolean {
  if (Node.isIdentifier(expr)) return roots.names.has(expr.getText());
  if (Node.isPropertyAccessExpression(expr)) {
    const target = expr.getExpression();
    return expr.getName() === 'i' && Node.isIdentifier(target) && roots.namespaces.has(target.getText());
  }
  return false;
}

/**
 * Finds anything the DSL does not have (`i.strin()`, `.uniqe()`), wherever it appears, with its location:
 * evaluation would only say "is not a function".
 */
export function dslCallProblems(sourceFile: SourceFile): SchemaError[] {
  const roots = dslRoots(sourceFile);
  if (roots.names.size === 0 && roots.namespaces.size === 0) return [];
  const problems: SchemaError[] = [];
  for (const access of sourceFile.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression)) {
    if (!isDslRoot(access.getExpression(), roots)) continue;
    const member = access.getName();
    if (!DSL_MEMBERS.has(member)) {
      problems.push(new SchemaError(`\`i.${member}\` is not part of Instant's schema DSL`, locationOf(access.getNameNode()), `Use one of i.${[...DSL_MEMBERS].join(', i.')}.`));
    } else if (VALUE_BUILDERS.has(member)) {
      const problem = modifierProblem(access);
      if (problem) problems.push(problem);
    }
  }
  return problems;
}

/** Walks `i.string().a().b()` outwards from the builder, checking each modifier name. */
function modifierProblem(builderAccess: Node): SchemaError | undefined {
  let call = builderAccess.getParent();
  while (call && Node.isCallExpression(call)) {
    const next = call.getParent();
    if (!next || !Node.isPropertyAccessExpression(next) || next.getExpression() !== call) return undefined;
    const name = next.getName();
    if (!ATTR_MODIFIERS.has(name)) {
      return new SchemaError(
        `\`.${name}()\` is not an attribute modifier`,
        locationOf(next.getNameNode()),
        `Attribute modifiers are ${[...ATTR_MODIFIERS].map((m) => `.${m}()`).join(', ')}.`,
      );
    }
    call = next.getParent();
  }
  return undefined;
}

/**
 * Reads entities and links where they are written literally: in the schema, through consts and spreads, and
 * in the local modules they are imported from. Whatever helpers build is still known from evaluation; only
 * type arguments are lost there.
 */
export function readSchemaSource(sourceFile: SourceFile, modules: ModuleLookup): SchemaSource {
  const roots = rootsCache();
  const result: SchemaSource = { entities: new Map(), links: new Map(), values: new Map() };
  const schemaCall = sourceFile
    .getDescendantsOfKind(SyntaxKind.CallExpression)
    .find((call) => {
      const callee = call.getExpression();
      return Node.isPropertyAccessExpression(callee) && ['schema', 'graph'].includes(callee.getName()) && isDslRoot(callee.getExpression(), roots(callee));
    });
  if (!schemaCall) return result;
  const isGraph = (schemaCall.getExpression() as Node).getText().endsWith('graph');
  const [first, second] = schemaCall.getArguments();
  const object = (node: Node | undefined) => followObject(node, modules);
  const property = (obj: ObjectLiteralExpression | undefined, key: string) => literalProperties(obj, modules).find(([name]) => name === key)?.[1];
  const entitiesNode = isGraph ? first : property(object(first), 'entities');
  const linksNode = isGraph ? second : property(object(first), 'links');
  for (const [name, value] of literalProperties(object(entitiesNode), modules)) {
    result.values.set(valueKey(name), locationOf(value));
    const entity = readEntity(value, modules, roots, (attr, at) => result.values.set(valueKey(name, attr), at));
    if (entity) result.entities.set(name, entity);
    else result.entities.delete(name);
  }
  for (const [name, value] of literalProperties(object(linksNode), modules)) result.links.set(name, locationOf(value));
  return result;
}

type Roots = (node: Node) => ReturnType<typeof dslRoots>;

/** The names of `i` in the module a node is in (each module imports `i` its own way). */
function rootsCache(): Roots {
  const cache = new Map<SourceFile, ReturnType<typeof dslRoots>>();
  return (node) => {
    const sourceFile = node.getSourceFile();
    if (!cache.has(sourceFile)) cache.set(sourceFile, dslRoots(sourceFile));
    return cache.get(sourceFile)!;
  };
}

function readEntity(expr: Expression, modules: ModuleLookup, roots: Roots, onValue: (attr: string, at: SourceLocation) => void): EntitySource | undefined {
  let node = followValue(expr, modules);
  let asType: Node | undefined;
  // `i.entity({...}).asType<T>()`
  if (Node.isCallExpression(node) && calleeName(node) === 'asType') {
    asType = node.getTypeArguments()[0];
    node = followValue(node.getExpressionIfKindOrThrow(SyntaxKind.PropertyAccessExpression).getExpression(), modules);
  }
  if (!Node.isCallExpression(node) || calleeName(node) !== 'entity') return undefined;
  const callee = node.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || !isDslRoot(callee.getExpression(), roots(callee))) return undefined;
  const attrs = new Map<string, AttrSource>();
  for (const [name, value] of literalProperties(followObject(node.getArguments()[0], modules), modules)) {
    onValue(name, locationOf(value));
    const attr = readAttr(value, modules);
    if (attr) attrs.set(name, attr);
    else attrs.delete(name);
  }
  return { asType, location: locationOf(node), attrs };
}

function readAttr(expr: Expression, modules: ModuleLookup): AttrSource | undefined {
  const modifiers: string[] = [];
  let node = followValue(expr, modules);
  while (Node.isCallExpression(node)) {
    const callee = node.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) return undefined;
    const name = callee.getName();
    if (VALUE_BUILDERS.has(name) && !Node.isCallExpression(callee.getExpression())) {
      return { dsl: name, tsType: node.getTypeArguments()[0], clientRequired: modifiers.includes('clientRequired'), location: locationOf(expr) };
    }
    modifiers.push(name);
    // `const base = i.string<T>(); ... base.optional()`: the chain goes on where `base` is written.
    node = followValue(callee.getExpression(), modules);
  }
  return undefined;
}

function calleeName(call: CallExpression): string | undefined {
  const callee = call.getExpression();
  return Node.isPropertyAccessExpression(callee) ? callee.getName() : undefined;
}
