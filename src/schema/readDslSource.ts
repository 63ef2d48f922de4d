import type { Node, SourceFile, ts as TS } from 'ts-morph';
import { ts } from '../util/tsMorph.js';
import { followObject, followValue, literalProperties, type ModuleLookup } from './followValues.js';
import type { SourceLocation } from '../ir/types.js';
import { SchemaError } from '../ir/SchemaError.js';

// Read on the compiler's own nodes: wrapping them in ts-morph's classes cost more than parsing on large schemas.

/** What only the source text knows about an attribute (shared/docs/schema-format.md §1). */
export interface AttrSource {
  dsl: string;
  /** The type argument (`i.json<T>()`), a compiler node of whichever local module writes it. */
  tsType?: TS.TypeNode;
  clientRequired: boolean;
  location: SourceLocation;
}

export interface EntitySource {
  asType?: TS.TypeNode;
  location: SourceLocation;
  attrs: Map<string, AttrSource>;
}

export interface SchemaSource {
  entities: Map<string, EntitySource>;
  links: Map<string, SourceLocation>;
  /** Each room's `presence: i.entity({...})`, read like an entity (type arguments type the presence data). */
  presence: Map<string, EntitySource>;
  /** Where each literal value in `entities` and in each `i.entity({...})` is, whatever it is (for shape errors). */
  values: Map<string, SourceLocation>;
}

/** The key of `values`: `entities.<entity>` or `entities.<entity>.<attr>`. */
export const valueKey = (...path: string[]) => JSON.stringify(path);

const VALUE_BUILDERS = new Set(['string', 'number', 'boolean', 'date', 'json', 'any']);
const ATTR_MODIFIERS = new Set(['optional', 'unique', 'indexed', 'clientRequired']);
const DSL_MEMBERS = new Set(['schema', 'graph', 'entity', ...VALUE_BUILDERS]);

export function locationOf(node: Node): SourceLocation {
  return compilerLocation(node.compilerNode);
}

function compilerLocation(node: TS.Node, sf: TS.SourceFile = node.getSourceFile()): SourceLocation {
  // The compiler's line map (a binary search): ts-morph's getLineAndColumnAtPos scans the text up to the
  // position, which made reading a schema quadratic in its size (minutes for a 5 MB schema).
  const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  return { file: sf.fileName, line: line + 1, column: character + 1 };
}

/** The compiler's nodes of one kind, in document order (callers wrap nothing, see the note at the top). */
function* compilerNodesOfKind<T extends TS.Node>(sf: TS.SourceFile, test: (node: TS.Node) => node is T): Generator<T> {
  const stack: TS.Node[] = [sf];
  while (stack.length) {
    const node = stack.pop()!;
    if (test(node)) yield node;
    const children: TS.Node[] = [];
    ts.forEachChild(node, (child) => void children.push(child));
    for (let k = children.length - 1; k >= 0; k--) stack.push(children[k]);
  }
}

type DslRoots = { names: Set<string>; namespaces: Set<string> };

/** Local names under which a module binds Instant's `i` (`import { i as s } from '@instantdb/react'`, or `ns.i`). */
export function dslRoots(sf: TS.SourceFile): DslRoots {
  const names = new Set<string>();
  const namespaces = new Set<string>();
  for (const statement of sf.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (!statement.moduleSpecifier.text.startsWith('@instantdb/')) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
    if (bindings && ts.isNamedImports(bindings)) {
      for (const named of bindings.elements) if ((named.propertyName ?? named.name).text === 'i') names.add(named.name.text);
    }
  }
  return { names, namespaces };
}

/** Is `expr` a reference to `i` (by alias or through a namespace import)? */
function isDslRoot(expr: TS.Node, roots: DslRoots): boolean {
  if (ts.isIdentifier(expr)) return roots.names.has(expr.text);
  if (ts.isPropertyAccessExpression(expr)) {
    return expr.name.text === 'i' && ts.isIdentifier(expr.expression) && roots.namespaces.has(expr.expression.text);
  }
  return false;
}

/**
 * Finds anything the DSL does not have (`i.strin()`, `.uniqe()`), wherever it appears, with its location:
 * evaluation would only say "is not a function".
 */
export function dslCallProblems(sourceFile: SourceFile): SchemaError[] {
  const sf = sourceFile.compilerNode;
  const roots = dslRoots(sf);
  if (roots.names.size === 0 && roots.namespaces.size === 0) return [];
  const problems: SchemaError[] = [];
  for (const access of compilerNodesOfKind(sf, ts.isPropertyAccessExpression)) {
    if (!isDslRoot(access.expression, roots)) continue;
    const member = access.name.text;
    if (!DSL_MEMBERS.has(member)) {
      problems.push(new SchemaError(`\`i.${member}\` is not part of Instant's schema DSL`, compilerLocation(access.name, sf), `Use one of i.${[...DSL_MEMBERS].join(', i.')}.`));
    } else if (VALUE_BUILDERS.has(member)) {
      const problem = modifierProblem(access, sf);
      if (problem) problems.push(problem);
    }
  }
  return problems;
}

/** Walks `i.string().a().b()` outwards from the builder, checking each modifier name. */
function modifierProblem(builderAccess: TS.Node, sf: TS.SourceFile): SchemaError | undefined {
  let call: TS.Node | undefined = builderAccess.parent;
  while (call && ts.isCallExpression(call)) {
    const next: TS.Node | undefined = call.parent;
    if (!next || !ts.isPropertyAccessExpression(next) || next.expression !== call) return undefined;
    const name = next.name.text;
    if (!ATTR_MODIFIERS.has(name)) {
      return new SchemaError(
        `\`.${name}()\` is not an attribute modifier`,
        compilerLocation(next.name, sf),
        `Attribute modifiers are ${[...ATTR_MODIFIERS].map((m) => `.${m}()`).join(', ')}.`,
      );
    }
    call = next.parent;
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
  const result: SchemaSource = { entities: new Map(), links: new Map(), presence: new Map(), values: new Map() };
  let schemaCall: TS.CallExpression | undefined;
  for (const call of compilerNodesOfKind(sourceFile.compilerNode, ts.isCallExpression)) {
    const callee = call.expression;
    if (ts.isPropertyAccessExpression(callee) && ['schema', 'graph'].includes(callee.name.text) && isDslRoot(callee.expression, roots(callee))) {
      schemaCall = call;
      break;
    }
  }
  if (!schemaCall) return result;
  const isGraph = calleeName(schemaCall) === 'graph';
  const [first, second] = schemaCall.arguments;
  const object = (node: TS.Node | undefined) => followObject(node, modules);
  const property = (obj: TS.ObjectLiteralExpression | undefined, key: string) => literalProperties(obj, modules).find(([name]) => name === key)?.[1];
  const entitiesNode = isGraph ? first : property(object(first), 'entities');
  const linksNode = isGraph ? second : property(object(first), 'links');
  for (const [name, value] of literalProperties(object(entitiesNode), modules)) {
    result.values.set(valueKey(name), compilerLocation(value));
    const entity = readEntity(value, modules, roots, (attr, at) => result.values.set(valueKey(name, attr), at));
    if (entity) result.entities.set(name, entity);
    else result.entities.delete(name);
  }
  for (const [name, value] of literalProperties(object(linksNode), modules)) result.links.set(name, compilerLocation(value));
  const roomsNode = isGraph ? undefined : property(object(first), 'rooms');
  for (const [name, room] of literalProperties(object(roomsNode), modules)) {
    const presence = property(object(room), 'presence');
    const entity = presence && readEntity(presence, modules, roots, () => undefined);
    if (entity) result.presence.set(name, entity);
  }
  return result;
}

type Roots = (node: TS.Node) => DslRoots;

/** The names of `i` in the module a node is in (each module imports `i` its own way). */
function rootsCache(): Roots {
  const cache = new Map<TS.SourceFile, DslRoots>();
  return (node) => {
    const sf = node.getSourceFile();
    if (!cache.has(sf)) cache.set(sf, dslRoots(sf));
    return cache.get(sf)!;
  };
}

function readEntity(expr: TS.Expression, modules: ModuleLookup, roots: Roots, onValue: (attr: string, at: SourceLocation) => void): EntitySource | undefined {
  let node = followValue(expr, modules);
  let asType: TS.TypeNode | undefined;
  // `i.entity({...}).asType<T>()`
  if (node && ts.isCallExpression(node) && calleeName(node) === 'asType') {
    asType = node.typeArguments?.[0];
    node = followValue((node.expression as TS.PropertyAccessExpression).expression, modules);
  }
  if (!node || !ts.isCallExpression(node) || calleeName(node) !== 'entity') return undefined;
  const callee = node.expression;
  if (!ts.isPropertyAccessExpression(callee) || !isDslRoot(callee.expression, roots(callee))) return undefined;
  const attrs = new Map<string, AttrSource>();
  for (const [name, value] of literalProperties(followObject(node.arguments[0], modules), modules)) {
    onValue(name, compilerLocation(value));
    const attr = readAttr(value, modules);
    if (attr) attrs.set(name, attr);
    else attrs.delete(name);
  }
  return { asType, location: compilerLocation(node), attrs };
}

function readAttr(expr: TS.Expression, modules: ModuleLookup): AttrSource | undefined {
  const modifiers: string[] = [];
  let node = followValue(expr, modules);
  while (node && ts.isCallExpression(node)) {
    const callee: TS.Expression = node.expression;
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const name = callee.name.text;
    if (VALUE_BUILDERS.has(name) && !ts.isCallExpression(callee.expression)) {
      return { dsl: name, tsType: node.typeArguments?.[0], clientRequired: modifiers.includes('clientRequired'), location: compilerLocation(expr) };
    }
    modifiers.push(name);
    // `const base = i.string<T>(); ... base.optional()`: the chain goes on where `base` is written.
    node = followValue(callee.expression, modules);
  }
  return undefined;
}

function calleeName(call: TS.CallExpression): string | undefined {
  return ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : undefined;
}
