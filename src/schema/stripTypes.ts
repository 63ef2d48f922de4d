import type { ts as TS } from 'ts-morph';
import { ts } from '../util/tsMorph.js';

/** CommonJS code for a module, and where a position in it (1-based line and column) is in the source. */
export interface StrippedModule {
  code: string;
  original(line: number, column: number): { line: number; column: number };
}

/** A replacement of `[start, end)`: `text`, then the original range blanked (its line breaks kept). */
interface Edit {
  start: number;
  end: number;
  text: string;
}

class Unsupported extends Error {}

// Syntax that needs more than blanking (or that schema files do not use): left to TypeScript's transpiler.
const UNSUPPORTED = new Set<TS.SyntaxKind>([
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.ClassExpression,
  ts.SyntaxKind.EnumDeclaration,
  ts.SyntaxKind.ModuleDeclaration,
  ts.SyntaxKind.ImportEqualsDeclaration,
  ts.SyntaxKind.TypeAssertionExpression,
  ts.SyntaxKind.Decorator,
  ts.SyntaxKind.JsxElement,
  ts.SyntaxKind.JsxSelfClosingElement,
  ts.SyntaxKind.JsxFragment,
  ts.SyntaxKind.ImportKeyword, // import(), import.meta
  ts.SyntaxKind.MetaProperty,
]);

/**
 * The module as CommonJS by erasing its types in place (spaces where they were) and rewriting its imports and
 * exports; undefined for syntax this does not handle. TypeScript's `transpileModule` re-prints the whole file,
 * which took most of a run on large schemas; erasing keeps every position, so errors need no source map.
 * `specifierOf` maps each import's specifier to what is required instead (path aliases, see evaluateSchema.ts).
 * Imports are elided as TypeScript does (a binding never used as a value is not required).
 */
export function toCommonJs(sourceFile: TS.SourceFile, specifierOf: (specifier: string) => string = (s) => s): StrippedModule | undefined {
  if (sourceFile.text.startsWith('#!')) return undefined;
  try {
    return new Stripper(sourceFile, specifierOf).run();
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

class Stripper {
  private readonly text: string;
  private readonly edits: Edit[] = [];
  private readonly exportsAtEnd: string[] = [];
  /** Identifiers read as values (a superset: shadowing is ignored, so at worst an import is kept). */
  private readonly used = new Set<string>();
  private readonly typeOnlyNames: Set<string>;
  /** JavaScript: classes hold no types there, so they need no more than their module syntax rewritten. */
  private readonly js: boolean;
  private scanner: TS.Scanner | undefined;

  /** `specifierOf` maps what an import names to what is required (a path alias to its file). */
  constructor(
    private readonly sf: TS.SourceFile,
    private readonly specifierOf: (specifier: string) => string,
  ) {
    this.text = sf.text;
    this.js = /\.[cm]?jsx?$/.test(sf.fileName);
    this.typeOnlyNames = typeOnlyDeclarations(sf);
  }

  run(): StrippedModule {
    const imports: TS.ImportDeclaration[] = [];
    let body = false;
    for (const statement of this.sf.statements) {
      if (ts.isImportDeclaration(statement)) {
        // Imports are hoisted in ESM; required in place here, so they must come first.
        if (body) throw new Unsupported();
        imports.push(statement);
      } else {
        body ||= !ts.isInterfaceDeclaration(statement) && !ts.isTypeAliasDeclaration(statement);
        this.statement(statement);
      }
    }
    imports.forEach((decl, k) => this.importDeclaration(decl, k));
    this.edits.push({ start: 0, end: 0, text: '"use strict";Object.defineProperty(exports, "__esModule", { value: true });' });
    return this.apply();
  }

  private statement(node: TS.Statement): void {
    const modifiers = ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : [];
    const has = (kind: TS.SyntaxKind) => modifiers.some((m) => m.kind === kind);
    if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || has(ts.SyntaxKind.DeclareKeyword)) return this.erase(node);
    if (ts.isExportDeclaration(node)) return this.exportDeclaration(node);
    if (ts.isExportAssignment(node)) {
      if (node.isExportEquals) throw new Unsupported();
      this.edits.push({ start: node.getStart(this.sf), end: node.expression.getStart(this.sf), text: 'exports.default = ' });
      return this.visit(node.expression);
    }
    if (has(ts.SyntaxKind.ExportKeyword)) {
      if (has(ts.SyntaxKind.DefaultKeyword)) throw new Unsupported();
      const keyword = modifiers.find((m) => m.kind === ts.SyntaxKind.ExportKeyword)!;
      this.blank(keyword.getStart(this.sf), keyword.end);
      for (const name of declaredNames(node)) this.exportsAtEnd.push(`exports.${name} = ${name};`);
    }
    this.visit(node);
  }

  private exportDeclaration(node: TS.ExportDeclaration): void {
    if (!node.isTypeOnly) {
      if (node.moduleSpecifier || !node.exportClause || !ts.isNamedExports(node.exportClause)) throw new Unsupported();
      for (const element of node.exportClause.elements) {
        const local = (element.propertyName ?? element.name).text;
        if (element.isTypeOnly || this.typeOnlyNames.has(local)) continue;
        this.used.add(local);
        this.exportsAtEnd.push(`exports[${JSON.stringify(element.name.text)}] = ${local};`);
      }
    }
    this.erase(node);
  }

  /** `const __instantImportK = require("m"), { a, b: c } = ...;`, or nothing when no binding is a value. */
  private importDeclaration(node: TS.ImportDeclaration, k: number): void {
    const specifier = JSON.stringify(this.specifierOf((node.moduleSpecifier as TS.StringLiteral).text));
    const clause = node.importClause;
    if (!clause) return void this.edits.push({ start: node.getStart(this.sf), end: node.end, text: `require(${specifier});` });
    const m = `__instantImport${k}`;
    const bindings: string[] = [];
    if (!clause.isTypeOnly) {
      if (clause.name && this.used.has(clause.name.text)) bindings.push(`${clause.name.text} = ${m} && ${m}.__esModule ? ${m}.default : ${m}`);
      const named = clause.namedBindings;
      if (named && ts.isNamespaceImport(named) && this.used.has(named.name.text)) {
        bindings.push(`${named.name.text} = ${m} && ${m}.__esModule ? ${m} : { ...${m}, default: ${m} }`);
      } else if (named && ts.isNamedImports(named)) {
        const names = named.elements
          .filter((e) => !e.isTypeOnly && this.used.has(e.name.text))
          .map((e) => (e.propertyName ? `${JSON.stringify(e.propertyName.text)}: ${e.name.text}` : e.name.text));
        if (names.length) bindings.push(`{ ${names.join(', ')} } = ${m}`);
      }
    }
    if (!bindings.length) return this.erase(node);
    this.edits.push({ start: node.getStart(this.sf), end: node.end, text: `const ${m} = require(${specifier}), ${bindings.join(', ')};` });
  }

  /** Walks value code: records identifiers read, erases type annotations, type arguments and assertions. */
  private visit(node: TS.Node): void {
    if (UNSUPPORTED.has(node.kind) && !(this.js && (ts.isClassDeclaration(node) || ts.isClassExpression(node)))) throw new Unsupported();
    if (ts.isIdentifier(node)) return void this.used.add(node.text);
    if (ts.isPropertyAccessExpression(node)) return this.visit(node.expression);
    if (ts.isPropertyAssignment(node)) {
      if (!ts.isIdentifier(node.name)) this.visit(node.name);
      return this.visit(node.initializer);
    }
    if (ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) {
      this.blank(node.expression.end, node.end);
      return this.visit(node.expression);
    }
    if (ts.isNonNullExpression(node)) {
      if (this.text[node.end - 1] !== '!') throw new Unsupported();
      this.blank(node.end - 1, node.end);
      return this.visit(node.expression);
    }
    if (ts.isParameter(node)) {
      if (ts.isIdentifier(node.name) && node.name.text === 'this') throw new Unsupported();
      if (node.modifiers?.length) throw new Unsupported(); // parameter properties
      if (node.questionToken) this.blank(node.questionToken.getStart(this.sf), node.questionToken.end);
    }
    if (ts.isVariableDeclaration(node) && node.exclamationToken) this.blank(node.exclamationToken.getStart(this.sf), node.exclamationToken.end);
    if (ts.isFunctionLike(node) && !('body' in node && node.body)) throw new Unsupported(); // overload signatures
    // Children not to walk (types); allocated only for the few nodes that have them.
    let skipped: TS.Node[] | undefined;
    const annotation = (node as { type?: TS.TypeNode }).type;
    if (annotation && (ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isFunctionLike(node))) {
      if (this.text[annotation.pos - 1] !== ':') throw new Unsupported();
      // `(x)\n: T => x` would become `(x)\n => x`, a syntax error.
      if (ts.isArrowFunction(node) && /[\r\n\u2028\u2029]/.test(this.text.slice(node.parameters.end, node.equalsGreaterThanToken.getStart(this.sf)))) throw new Unsupported();
      this.blank(annotation.pos - 1, annotation.end);
      skipped = [annotation];
    }
    const { typeArguments, typeParameters } = node as { typeArguments?: TS.NodeArray<TS.Node>; typeParameters?: TS.NodeArray<TS.Node> };
    if (typeArguments) skipped = [...(skipped ?? []), ...this.blankAngleBrackets(typeArguments)];
    if (typeParameters) skipped = [...(skipped ?? []), ...this.blankAngleBrackets(typeParameters)];
    if (!skipped) return void ts.forEachChild(node, this.visitChild);
    ts.forEachChild(node, (child) => void (skipped.includes(child) || this.visit(child)));
  }

  private readonly visitChild = (child: TS.Node): undefined => void this.visit(child);

  /** Erases `<...>` around a list of type arguments or parameters; returns the list. */
  private blankAngleBrackets(list: TS.NodeArray<TS.Node>): TS.NodeArray<TS.Node> {
    if (this.text[list.pos - 1] !== '<') throw new Unsupported();
    this.scanner ??= ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, this.text);
    const scanner = this.scanner;
    scanner.resetTokenState(list.end);
    let token = scanner.scan();
    if (token === ts.SyntaxKind.CommaToken) token = scanner.scan();
    if (token !== ts.SyntaxKind.GreaterThanToken) throw new Unsupported();
    this.blank(list.pos - 1, scanner.getTokenEnd());
    return list;
  }

  /** A whole statement away; a `;` keeps the statements around it apart (no ASI surprises). */
  private erase(node: TS.Node): void {
    this.edits.push({ start: node.getStart(this.sf), end: node.end, text: ';' });
  }

  private blank(start: number, end: number): void {
    this.edits.push({ start, end, text: '' });
  }

  private apply(): StrippedModule {
    const edits = [...this.edits].sort((a, b) => a.start - b.start || a.end - b.end);
    let code = '';
    let at = 0;
    /** Per line (0-based): where an edit inserts text (original column) and how much. */
    const shifts = new Map<number, { column: number; length: number }[]>();
    for (const edit of edits) {
      if (edit.start < at) throw new Unsupported(); // overlapping edits: not expected, but never guess
      const original = this.text.slice(edit.start, edit.end);
      code += this.text.slice(at, edit.start) + edit.text + original.replace(/[^\r\n\u2028\u2029]/g, ' ');
      at = edit.end;
      if (edit.text && !/[\r\n\u2028\u2029]/.test(original)) {
        const { line, character } = this.sf.getLineAndCharacterOfPosition(edit.start);
        shifts.set(line, [...(shifts.get(line) ?? []), { column: character, length: edit.text.length }]);
      }
    }
    code += this.text.slice(at) + (this.exportsAtEnd.length ? `\n${this.exportsAtEnd.join(' ')}` : '');
    const original = (line: number, column: number) => {
      let shift = 0;
      for (const s of shifts.get(line - 1) ?? []) {
        const inserted = s.column + shift;
        if (column - 1 < inserted) break;
        if (column - 1 < inserted + s.length) return { line, column: s.column + 1 };
        shift += s.length;
      }
      return { line, column: column - shift };
    };
    return { code, original };
  }
}

/** Top-level names declared only as types (interfaces, type aliases): `export { T }` of one exports nothing. */
function typeOnlyDeclarations(sf: TS.SourceFile): Set<string> {
  const types = new Set<string>();
  const values = new Set<string>();
  for (const statement of sf.statements) {
    if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) types.add(statement.name.text);
    else for (const name of declaredNames(statement, false)) values.add(name);
    if (ts.isImportDeclaration(statement) && statement.importClause && !statement.importClause.isTypeOnly) {
      const { name, namedBindings } = statement.importClause;
      if (name) values.add(name.text);
      if (namedBindings && ts.isNamespaceImport(namedBindings)) values.add(namedBindings.name.text);
      if (namedBindings && ts.isNamedImports(namedBindings)) namedBindings.elements.filter((e) => !e.isTypeOnly).forEach((e) => values.add(e.name.text));
    }
  }
  return new Set([...types].filter((t) => !values.has(t)));
}

/** Names a statement declares as values; with `strict`, anything but plain names is unsupported. */
function declaredNames(statement: TS.Statement, strict = true): string[] {
  if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) return [statement.name.text];
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) => {
      if (ts.isIdentifier(d.name)) return [d.name.text];
      if (strict) throw new Unsupported();
      return [];
    });
  }
  if (strict) throw new Unsupported();
  return [];
}
