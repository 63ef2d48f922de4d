import type { SourceFile, ts as TS } from 'ts-morph';
import { Node, SyntaxKind, ts } from '../util/tsMorph.js';
import type { SourceLocation } from '../ir/types.js';
import { SchemaError } from './SchemaError.js';

/** What only the source text knows about an attribute (shared/docs/schema-format.md §1). */
export interface AttrSource {
  dsl: string;
  /** The type argument (`i.json<T>()`), a node of the compiler's tree of `SchemaSource.sourceFile`. */
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
  sourceFile: SourceFile;
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
  return compilerLocation(node.getSourceFile(), node.compilerNode);
}

function compilerLocation(sourceFile: SourceFile, node: TS.Node): SourceLocation {
  // The compiler's line map (a binary search): ts-morph's getLineAndColumnAtPos scans the text up to the
  // position, which made reading a schema quadratic in its size (minutes for a 5 MB schema).
  const { line, character } = sourceFile.compilerNode.getLineAndCharacterOfPosition(node.getStart(sourceFile.compilerNode));
  return { file: sourceFile.getFilePath(), line: line + 1, column: character + 1 };
}

/**
 * The compiler's nodes of one kind, in document order. Walking ts-morph's wrappers instead wraps every
 * node it passes, which cost more than parsing on large schemas; callers wrap only what they keep.
 */
function* compilerNodesOfKind<T extends TS.Node>(sourceFile: SourceFile, test: (node: TS.Node) => node is T): Generator<T> {
  const stack: TS.Node[] = [sourceFile.compilerNode];
  while (stack.length) {
    const node = stack.pop()!;
    if (test(node)) yield node;
    const children: TS.Node[] = [];
    ts.forEachChild(node, (child) => void children.push(child));
    for (let k = children.length - 1; k >= 0; k--) stack.push(children[k]);
  }
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
function isDslRoot(expr: Node | TS.Node, roots: ReturnType<typeof dslRoots>): boolean {
  const node = expr instanceof Node ? expr.compilerNode : expr;
  if (ts.isIdentifier(node)) return roots.names.has(node.getText());
  if (ts.isPropertyAccessExpression(node)) {
    return node.name.text === 'i' && ts.isIdentifier(node.expression) && roots.namespaces.has(node.expression.getText());
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
  for (const access of compilerNodesOfKind(sourceFile, ts.isPropertyAccessExpression)) {
    if (!isDslRoot(access.expression, roots)) continue;
    const member = access.name.text;
    if (!DSL_MEMBERS.has(member)) {
      throw new SchemaError(
        `\`i.${member}\` is not part of Instant's schema DSL`,
        compilerLocation(sourceFile, access.name),
        `Use one of i.${[...DSL_MEMBERS].join(', i.')}.`,
      );
    }
    if (VALUE_BUILDERS.has(member)) checkModifierChain(sourceFile, access);
  }
}

/** Walks `i.string().a().b()` outwards from the builder, checking each modifier name. */
function checkModifierChain(sourceFile: SourceFile, builderAccess: TS.Node): void {
  let call: TS.Node | undefined = builderAccess.parent;
  while (call && ts.isCallExpression(call)) {
    const next: TS.Node | undefined = call.parent;
    if (!next || !ts.isPropertyAccessExpression(next) || next.expression !== call) return;
    const name = next.name.text;
    if (!ATTR_MODIFIERS.has(name)) {
      throw new SchemaError(
        `\`.${name}()\` is not an attribute modifier`,
        compilerLocation(sourceFile, next.name),
        `Attribute modifiers are ${[...ATTR_MODIFIERS].map((m) => `.${m}()`).join(', ')}.`,
      );
    }
    call = next.parent;
  }
}

/**
 * Reads entities and links where the schema writes them literally (possibly through local consts).
 * Whatever is built by helpers is still known from evaluation; only type arguments are lost there.
 * Works on the compiler's nodes, as wrapping them is slow (see compilerNodesOfKind).
 */
export function readSchemaSource(sourceFile: SourceFile): SchemaSource {
  const roots = dslRoots(sourceFile);
  const result: SchemaSource = { sourceFile, entities: new Map(), links: new Map(), values: new Map() };
  let schemaCall: TS.CallExpression | undefined;
  for (const call of compilerNodesOfKind(sourceFile, ts.isCallExpression)) {
    const callee = call.expression;
    if (ts.isPropertyAccessExpression(callee) && ['schema', 'graph'].includes(callee.name.text) && isDslRoot(callee.expression, roots)) {
      schemaCall = call;
      break;
    }
  }
  if (!schemaCall) return result;
  const reader = new SourceReader(sourceFile, roots);
  const isGraph = schemaCall.expression.getText(sourceFile.compilerNode).endsWith('graph');
  const [first, second] = schemaCall.arguments;
  const entitiesNode = isGraph ? first : reader.propertyValue(reader.objectLiteral(first), 'entities');
  const linksNode = isGraph ? second : reader.propertyValue(reader.objectLiteral(first), 'links');
  for (const [name, value] of reader.literalProperties(reader.objectLiteral(entitiesNode))) {
    result.values.set(valueKey(name), compilerLocation(sourceFile, value));
    const entity = reader.readEntity(value, (attr, at) => result.values.set(valueKey(name, attr), at));
    if (entity) result.entities.set(name, entity);
  }
  for (const [name, value] of reader.literalProperties(reader.objectLiteral(linksNode))) result.links.set(name, compilerLocation(sourceFile, value));
  return result;
}

class SourceReader {
  private readonly sf: TS.SourceFile;

  constructor(
    private readonly sourceFile: SourceFile,
    private readonly roots: ReturnType<typeof dslRoots>,
  ) {
    this.sf = sourceFile.compilerNode;
  }

  readEntity(expr: TS.Expression, onValue: (attr: string, at: SourceLocation) => void): EntitySource | undefined {
    let node: TS.Node | undefined = this.resolveConst(expr);
    let asType: TS.TypeNode | undefined;
    // `i.entity({...}).asType<T>()`
    if (node && ts.isCallExpression(node) && calleeName(node) === 'asType') {
      asType = node.typeArguments?.[0];
      node = this.resolveConst((node.expression as TS.PropertyAccessExpression).expression);
    }
    if (!node || !ts.isCallExpression(node) || calleeName(node) !== 'entity') return undefined;
    const callee = node.expression;
    if (!ts.isPropertyAccessExpression(callee) || !isDslRoot(callee.expression, this.roots)) return undefined;
    const attrs = new Map<string, AttrSource>();
    for (const [name, value] of this.literalProperties(this.objectLiteral(node.arguments[0]))) {
      onValue(name, compilerLocation(this.sourceFile, value));
      const attr = this.readAttr(value);
      if (attr) attrs.set(name, attr);
    }
    return { asType, location: compilerLocation(this.sourceFile, node), attrs };
  }

  private readAttr(expr: TS.Expression): AttrSource | undefined {
    const modifiers: string[] = [];
    let node: TS.Node | undefined = this.resolveConst(expr);
    while (node && ts.isCallExpression(node)) {
      const callee: TS.Expression = node.expression;
      if (!ts.isPropertyAccessExpression(callee)) return undefined;
      const name = callee.name.text;
      if (VALUE_BUILDERS.has(name) && !ts.isCallExpression(callee.expression)) {
        return { dsl: name, tsType: node.typeArguments?.[0], clientRequired: modifiers.includes('clientRequired'), location: compilerLocation(this.sourceFile, expr) };
      }
      modifiers.push(name);
      node = callee.expression;
    }
    return undefined;
  }

  /** Follows `const x = <expr>` within the file, so `entities: { goals }` and `entities` consts are read too. */
  private resolveConst(expr: TS.Node | undefined): TS.Node | undefined {
    let node = expr;
    for (let hops = 0; hops < 10 && node; hops++) {
      if (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node)) {
        node = node.expression;
        continue;
      }
      if (!ts.isIdentifier(node)) break;
      const decl = this.findConst(node.getText(this.sf));
      if (!decl) break;
      node = decl.initializer;
    }
    return node;
  }

  /** A top-level variable by name: asking for symbols would build a type checker, which costs more than everything else. */
  private findConst(name: string): TS.VariableDeclaration | undefined {
    for (const statement of this.sf.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      const decl = statement.declarationList.declarations.find((d) => ts.isIdentifier(d.name) && d.name.getText(this.sf) === name);
      if (decl) return decl;
    }
    return undefined;
  }

  objectLiteral(expr: TS.Node | undefined): TS.ObjectLiteralExpression | undefined {
    const node = expr && this.resolveConst(expr);
    return node && ts.isObjectLiteralExpression(node) ? node : undefined;
  }

  propertyValue(obj: TS.ObjectLiteralExpression | undefined, key: string): TS.Expression | undefined {
    return obj && this.literalProperties(obj).find(([name]) => name === key)?.[1];
  }

  /** `key: value` and shorthand `key` properties with a statically known name. */
  literalProperties(obj: TS.ObjectLiteralExpression | undefined): [string, TS.Expression][] {
    if (!obj) return [];
    const result: [string, TS.Expression][] = [];
    for (const prop of obj.properties) {
      if (ts.isPropertyAssignment(prop)) {
        const name = this.staticName(prop.name);
        if (name !== undefined) result.push([name, prop.initializer]);
      } else if (ts.isShorthandPropertyAssignment(prop)) {
        result.push([prop.name.text, prop.name]);
      }
    }
    return result;
  }

  private staticName(node: TS.PropertyName): string | undefined {
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) return node.getText(this.sf);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isNumericLiteral(node)) return node.text;
    if (ts.isComputedPropertyName(node)) {
      const inner = this.resolveConst(node.expression);
      if (inner && (ts.isStringLiteral(inner) || ts.isNoSubstitutionTemplateLiteral(inner))) return inner.text;
    }
    return undefined;
  }
}

function calleeName(call: TS.CallExpression): string | undefined {
  return ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : undefined;
}
