import { Node, SyntaxKind, type CallExpression, type Expression, type ObjectLiteralExpression, type SourceFile } from 'ts-morph';
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
 * Rejects anything the DSL does not have (`i.strin()`, `.uniqe()`), wherever it appears, with its location:
 * evaluation would only say "is not a function".
 */
export function checkDslCalls(sourceFile: SourceFile): void {
  const roots = dslRoots(sourceFile);
  if (roots.names.size === 0 && roots.namespaces.size === 0) return;
  for (const access of sourceFile.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression)) {
    if (!isDslRoot(access.getExpression(), roots)) continue;
    const member = access.getName();
    if (!DSL_MEMBERS.has(member)) {
      throw new SchemaError(
        `\`i.${member}\` is not part of Instant's schema DSL`,
        locationOf(access.getNameNode()),
        `Use one of i.${[...DSL_MEMBERS].join(', i.')}.`,
      );
    }
    if (VALUE_BUILDERS.has(member)) checkModifierChain(access);
  }
}

/** Walks `i.string().a().b()` outwards from the builder, checking each modifier name. */
function checkModifierChain(builderAccess: Node): void {
  let call = builderAccess.getParent();
  while (call && Node.isCallExpression(call)) {
    const next = call.getParent();
    if (!next || !Node.isPropertyAccessExpression(next) || next.getExpression() !== call) return;
    const name = next.getName();
    if (!ATTR_MODIFIERS.has(name)) {
      throw new SchemaError(
        `\`.${name}()\` is not an attribute modifier`,
        locationOf(next.getNameNode()),
        `Attribute modifiers are ${[...ATTR_MODIFIERS].map((m) => `.${m}()`).join(', ')}.`,
      );
    }
    call = next.getParent();
  }
}

/**
 * Reads entities and links where the schema writes them literally (possibly through local consts).
 * Whatever is built by helpers is still known from evaluation; only type arguments are lost there.
 */
export function readSchemaSource(sourceFile: SourceFile): SchemaSource {
  const roots = dslRoots(sourceFile);
  const result: SchemaSource = { entities: new Map(), links: new Map(), values: new Map() };
  const schemaCall = sourceFile
    .getDescendantsOfKind(SyntaxKind.CallExpression)
    .find((call) => {
      const callee = call.getExpression();
      return Node.isPropertyAccessExpression(callee) && ['schema', 'graph'].includes(callee.getName()) && isDslRoot(callee.getExpression(), roots);
    });
  if (!schemaCall) return result;
  const isGraph = (schemaCall.getExpression() as Node).getText().endsWith('graph');
  const [first, second] = schemaCall.getArguments();
  const entitiesNode = isGraph ? first : propertyValue(objectLiteral(first), 'entities');
  const linksNode = isGraph ? second : propertyValue(objectLiteral(first), 'links');
  for (const [name, value] of literalProperties(objectLiteral(entitiesNode))) {
    result.values.set(valueKey(name), locationOf(value));
    const entity = readEntity(value, roots, (attr, at) => result.values.set(valueKey(name, attr), at));
    if (entity) result.entities.set(name, entity);
  }
  for (const [name, value] of literalProperties(objectLiteral(linksNode))) result.links.set(name, locationOf(value));
  return result;
}

function readEntity(
  expr: Expression,
  roots: ReturnType<typeof dslRoots>,
  onValue: (attr: string, at: SourceLocation) => void = () => {},
): EntitySource | undefined {
  let node: Node | undefined = resolveConst(expr);
  let asType: Node | undefined;
  // `i.entity({...}).asType<T>()`
  if (Node.isCallExpression(node) && calleeName(node) === 'asType') {
    asType = node.getTypeArguments()[0];
    node = resolveConst(node.getExpressionIfKindOrThrow(SyntaxKind.PropertyAccessExpression).getExpression());
  }
  if (!Node.isCallExpression(node) || calleeName(node) !== 'entity') return undefined;
  const callee = node.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || !isDslRoot(callee.getExpression(), roots)) return undefined;
  const attrs = new Map<string, AttrSource>();
  for (const [name, value] of literalProperties(objectLiteral(node.getArguments()[0]))) {
    onValue(name, locationOf(value));
    const attr = readAttr(value);
    if (attr) attrs.set(name, attr);
  }
  return { asType, location: locationOf(node), attrs };
}

function readAttr(expr: Expression): AttrSource | undefined {
  const modifiers: string[] = [];
  let node: Node = resolveConst(expr);
  while (Node.isCallExpression(node)) {
    const callee = node.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) return undefined;
    const name = callee.getName();
    if (VALUE_BUILDERS.has(name) && !Node.isCallExpression(callee.getExpression())) {
      return { dsl: name, tsType: node.getTypeArguments()[0], clientRequired: modifiers.includes('clientRequired'), location: locationOf(expr) };
    }
    modifiers.push(name);
    node = callee.getExpression();
  }
  return undefined;
}

function calleeName(call: CallExpression): string | undefined {
  const callee = call.getExpression();
  return Node.isPropertyAccessExpression(callee) ? callee.getName() : undefined;
}

/** Follows `const x = <expr>` within the file, so `entities: { goals }` and `entities` consts are read too. */
function resolveConst(expr: Node | undefined): Node {
  let node = expr;
  for (let hops = 0; hops < 10 && node; hops++) {
    if (Node.isAsExpression(node) || Node.isSatisfiesExpression(node) || Node.isParenthesizedExpression(node)) {
      node = node.getExpression();
      continue;
    }
    if (!Node.isIdentifier(node)) break;
    const decl = findConst(node);
    if (!decl) break;
    node = decl.getInitializer();
  }
  return node!;
}

/** A top-level const by name: asking for symbols would build a type checker, which costs more than everything else. */
function findConst(id: Node) {
  return id.getSourceFile().getVariableDeclaration(id.getText());
}

function objectLiteral(expr: Node | undefined): ObjectLiteralExpression | undefined {
  const node = expr && resolveConst(expr);
  return node && Node.isObjectLiteralExpression(node) ? node : undefined;
}

function propertyValue(obj: ObjectLiteralExpression | undefined, key: string): Expression | undefined {
  return obj && literalProperties(obj).find(([name]) => name === key)?.[1];
}

/** `key: value` and shorthand `key` properties with a statically known name. */
function literalProperties(obj: ObjectLiteralExpression | undefined): [string, Expression][] {
  if (!obj) return [];
  const result: [string, Expression][] = [];
  for (const prop of obj.getProperties()) {
    if (Node.isPropertyAssignment(prop)) {
      const name = staticName(prop.getNameNode());
      const init = prop.getInitializer();
      if (name !== undefined && init) result.push([name, init]);
    } else if (Node.isShorthandPropertyAssignment(prop)) {
      result.push([prop.getName(), prop.getNameNode()]);
    }
  }
  return result;
}

function staticName(node: Node): string | undefined {
  if (Node.isIdentifier(node) || Node.isPrivateIdentifier(node)) return node.getText();
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node) || Node.isNumericLiteral(node)) return node.getLiteralText();
  if (Node.isComputedPropertyName(node)) {
    const inner = resolveConst(node.getExpression());
    if (Node.isStringLiteral(inner) || Node.isNoSubstitutionTemplateLiteral(inner)) return inner.getLiteralText();
  }
  return undefined;
}
