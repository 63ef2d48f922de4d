// Reads `instant.perms.ts`, the permission rules file Instant's CLI pushes: executed like the schema (jiti,
// every `@instantdb/*` import served by our DSL, so `import type { InstantRules } from '@instantdb/react'`
// and helpers work), its default export taken as the rules document, and validated the way Instant
// validates rules on push. Problems are SchemaErrors naming file:line:col of the offending rule.

import fs from 'node:fs';
import path from 'node:path';
import type { SourceFile } from 'ts-morph';
import { Node, SyntaxKind } from '../util/tsMorph.js';
import type { RuleIssue, ValidateRules } from '../util/ruleIssue.js';
import { importWithInstantDsl } from './evaluateSchema.js';
import { findInProject } from './findSchemaFile.js';
import { parseModules } from './parseModules.js';
import { SchemaError } from '../ir/SchemaError.js';
import type { SourceLocation } from '../ir/types.js';

const EXTENSIONS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'];

export interface LoadedPerms<D> {
  /** The rules document (JSON), ready for `startServer({ rules })`. */
  rules: D;
  file: string;
  /** The rules file and every local module it imports. */
  files: string[];
}

/**
 * The rules file: `given` (relative to cwd), else `$INSTANT_PERMS_FILE_PATH`, else where Instant's CLI looks
 * (the project root, src/, lib/, app/: see findInProject), else `instant.perms.<ext>` beside the schema (a
 * schema passed from outside the project). Undefined when there is none (then everything is allowed, as on Instant).
 */
export function findPermsFile(schemaFile: string, given?: string, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = given ?? env.INSTANT_PERMS_FILE_PATH;
  if (explicit) {
    const file = path.resolve(cwd, explicit);
    if (!fs.existsSync(file)) {
      const source = given ? '--perms' : 'INSTANT_PERMS_FILE_PATH';
      throw new SchemaError(`${source} points to ${file}, which does not exist`, undefined, 'Pass the path of your instant.perms.ts, or leave it out to serve without rules.');
    }
    return file;
  }
  const inProject = findInProject(cwd, 'instant.perms');
  if (inProject) return inProject;
  const dir = path.dirname(schemaFile);
  return EXTENSIONS.map((ext) => path.join(dir, `instant.perms.${ext}`)).find((file) => fs.existsSync(file));
}

/** Evaluates the rules file; `validate` is the server's rule validation (passed in: this layer is below the server). */
export async function loadPerms<D extends object>(permsFile: string, validate: ValidateRules<D>): Promise<LoadedPerms<D>> {
  const file = path.resolve(permsFile);
  const modules = parseModules(file);
  const exported = await importWithInstantDsl(file, modules.instantSpecifiers, modules.files, 'the rules', modules);
  if (!exported || typeof exported !== 'object' || Array.isArray(exported) || !hasDefaultExport(modules.schema)) {
    throw new SchemaError(
      'the rules file has no default export of a rules object',
      { file, line: 1, column: 1 },
      "End the file with `export default rules;` where `const rules = { goals: { allow: { view: 'auth.id != null' } } }`.",
    );
  }
  // Rules travel as JSON (Instant stores them in a jsonb column): functions and undefined disappear.
  const rules = JSON.parse(JSON.stringify(exported)) as D;
  const issues = validate(rules);
  if (issues.length) throw rulesError(issues, modules.schema);
  return { rules, file, files: modules.files };
}

/**
 * Without a default export, jiti hands back the module's named exports: an ES module needs `export
 * default` (read from the syntax alone; a CommonJS file without ES exports is taken as it evaluates).
 */
function hasDefaultExport(source: SourceFile): boolean {
  let esm = false;
  for (const statement of source.getStatements()) {
    if (Node.isExportAssignment(statement)) return true;
    if (Node.isExportDeclaration(statement)) {
      esm = true;
      if (statement.getNamedExports().some((e) => (e.getAliasNode()?.getText() ?? e.getName()) === 'default')) return true;
    } else if (Node.isModifierable(statement) && statement.hasModifier(SyntaxKind.ExportKeyword)) {
      esm = true;
      if (statement.hasModifier(SyntaxKind.DefaultKeyword)) return true;
    }
  }
  return !esm;
}

function rulesError(issues: RuleIssue[], source: SourceFile): SchemaError {
  const file = source.getFilePath();
  const located = issues.map((issue) => ({ issue, at: locate(source, issue.at ?? issue.in) ?? { file, line: 1, column: 1 } }));
  const [first, ...rest] = located;
  const more = rest.map(({ issue, at }) => `\n  also: ${path.relative(process.cwd(), at.file) || at.file}:${at.line}:${at.column}: ${describe(issue)}`);
  return new SchemaError(`${describe(first.issue)}${more.join('')}`, first.at, fixFor(first.issue));
}

const describe = (issue: RuleIssue) =>
  issue.at ? `\`${issue.at.join('.')}\` (used by \`${issue.in.join('.')}\`): ${issue.message}` : `\`${issue.in.join('.')}\`: ${issue.message}`;

function fixFor(issue: RuleIssue): string {
  const m = issue.message;
  if (m.startsWith('auth.ref')) return "Start auth.ref paths with `$user.`, e.g. `'x' in auth.ref('$user.posts.title')`.";
  if (m.startsWith('The binds have a cyclic dependency')) return 'Make the binds refer to each other without a cycle.';
  if (m.startsWith('bind should')) return 'Write bind as pairs, ["name", "expression", ...], or as an object { name: "expression" }, each name once.';
  if (m.includes('reserved internal namespace')) return 'Remove the rules of this namespace: Instant only accepts rules for $users, $files and $streams among system namespaces.';
  if (m.includes('$users namespace')) return 'Remove `$users.allow.delete` or set it to "false".';
  if (m.includes('field rules for `id`')) return 'Put the rule in `allow.view` instead.';
  return 'Fix the CEL expression (https://www.instantdb.com/docs/permissions); Instant would refuse to push these rules.';
}

/** The position of the rule at `keys` in the default export's object literal, as far as it can be followed. */
function locate(source: SourceFile, keys: string[]): SourceLocation | undefined {
  const exported = source.getExportAssignment((e) => !e.isExportEquals());
  let node: Node | undefined = exported && resolveValue(source, exported.getExpression());
  if (!node) return undefined;
  for (const key of keys) {
    const next = child(source, node, key);
    if (!next) break;
    node = next;
  }
  const { line, column } = source.getLineAndColumnAtPos(node.getStart());
  return { file: source.getFilePath(), line, column };
}

/** Looks through `as`, `satisfies`, parentheses and local consts to the value itself. */
function resolveValue(source: SourceFile, node: Node, depth = 0): Node {
  if (depth > 10) return node;
  if (Node.isAsExpression(node) || Node.isSatisfiesExpression(node) || Node.isParenthesizedExpression(node) || Node.isTypeAssertion(node)) {
    return resolveValue(source, node.getExpression(), depth + 1);
  }
  if (Node.isIdentifier(node)) {
    const init = source.getVariableDeclaration(node.getText())?.getInitializer();
    return init ? resolveValue(source, init, depth + 1) : node;
  }
  return node;
}

function child(source: SourceFile, node: Node, key: string): Node | undefined {
  if (Node.isObjectLiteralExpression(node)) {
    for (const prop of node.getProperties()) {
      if (Node.isPropertyAssignment(prop)) {
        const name = prop.getNameNode();
        const text = Node.isStringLiteral(name) || Node.isNoSubstitutionTemplateLiteral(name) ? name.getLiteralText() : name.getText();
        if (text === key) return resolveValue(source, prop.getInitializerOrThrow());
      }
      if (Node.isShorthandPropertyAssignment(prop) && prop.getName() === key) return resolveValue(source, prop.getNameNode());
    }
  }
  if (Node.isArrayLiteralExpression(node)) {
    return node.getElements().find((e) => (Node.isStringLiteral(e) || Node.isNoSubstitutionTemplateLiteral(e)) && e.getLiteralText() === key);
  }
  return undefined;
}
