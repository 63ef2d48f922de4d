// The rule document (`instant.perms.ts`, model/rule.clj): which program governs an action on a namespace
// (`ns.allow.action` → `ns.allow.$default` → `$default.allow.action` → `$default.allow.$default` → the
// built-in rule of a system namespace → none, i.e. allowed), `bind` turned into nested `cel.bind(...)`
// (only the binds a rule uses, in dependency order, cycles rejected), field rules, and the validation
// Instant runs when rules are pushed.

import { validationError, type ValidationEntry } from '../errors.js';
import type { RuleIssue } from '../../util/ruleIssue.js';
import { isObject, type Json, type JsonObject } from '../json.js';
import { rateLimitConfigIssues } from '../rateLimits/index.js';
import { CelCompileError, compileRule, identifiersOf, validatorIssues, type CompiledRule } from './cel.js';

export type RulesDocument = JsonObject;

export interface Program {
  etype: string;
  action: string;
  /** What runs: the rule with its binds (`cel.bind(...)`). */
  code: string;
  /** What the rules file says. */
  displayCode: string;
  compiled: CompiledRule;
}

/** system_catalog.clj `all-etypes`. */
export const SYSTEM_ETYPES: ReadonlySet<string> = new Set([
  '$users',
  '$magicCodes',
  '$userRefreshTokens',
  '$oauthProviders',
  '$oauthUserLinks',
  '$oauthClients',
  '$oauthCodes',
  '$oauthRedirects',
  '$files',
  '$streams',
]);

/** `$`-namespaces that may have rules. */
const RULABLE_SYSTEM_ETYPES = new Set(['$users', '$files', '$default', '$streams', '$rateLimits']);

const USERS_SELF = 'auth.id == data.id || (data.linkedPrimaryUser != null && auth.id == data.linkedPrimaryUser)';

function getIn(doc: unknown, path: readonly string[]): unknown {
  let current = doc;
  for (const key of path) {
    if (!isObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** `patch-code`: `true`/`false` are allowed as rules. */
function patchCode(expr: unknown): string {
  if (typeof expr === 'boolean') return String(expr);
  if (typeof expr === 'string') return expr;
  throw new CelCompileError([`A rule must be a CEL expression (a string) or a boolean, got ${JSON.stringify(expr)}`]);
}

/** `normalize-bind`: `{a: x, b: y}` and `["a", x, "b", y]` alike, as a flat list. */
function normalizeBind(bind: unknown): unknown[] {
  if (Array.isArray(bind)) return bind;
  if (isObject(bind)) return Object.entries(bind).flat();
  return [];
}

// ---- Clojure hash-set iteration order ----
// Instant collects bind names in Clojure hash sets; the order in which it walks them decides both the
// nesting of `cel.bind` calls and which cycle an error names. A set of strings iterates in the order of
// its hash array mapped trie: by `(hash s)` = Murmur3.hashInt(String.hashCode()), five bits at a time
// from the low end.

function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

function clojureHash(s: string): number {
  const k = javaStringHash(s);
  if (k === 0) return 0;
  const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
  let k1 = Math.imul(k, 0xcc9e2d51);
  k1 = rotl(k1, 15);
  k1 = Math.imul(k1, 0x1b873593);
  let h = rotl(0 ^ k1, 13);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  h ^= 4;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function trieKey(s: string): number[] {
  const h = clojureHash(s);
  return [0, 5, 10, 15, 20, 25, 30].map((shift) => (h >>> shift) & 31);
}

/** The order in which a Clojure hash set of these strings iterates. */
export function hashSetOrder(names: Iterable<string>): string[] {
  const keyed = [...new Set(names)].map((name) => ({ name, key: trieKey(name) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) if (a.key[i] !== b.key[i]) return a.key[i] - b.key[i];
    return 0;
  });
  return keyed.map((x) => x.name);
}

// ---- binds ----

/** `with-binds`: wraps `expr` in `cel.bind(name, value, ...)` for every bind it uses, directly or not. */
export function withBinds(rules: RulesDocument, etype: string, expr: string): string {
  const binds = [...normalizeBind(getIn(rules, ['$default', 'bind'])), ...normalizeBind(getIn(rules, [etype, 'bind']))];
  if (binds.length % 2 !== 0) throw new CelCompileError(['bind should have an even number of elements']);
  if (binds.length === 0) return expr;
  const values = new Map<string, string>();
  for (let i = 0; i < binds.length; i += 2) values.set(String(binds[i]), String(binds[i + 1]));

  const used = (code: string) => hashSetOrder([...identifiersOf(code)].filter((name) => values.has(name)));
  const seen = new Set<string>();
  const usages = new Set<string>();
  const references = new Map<string, string[]>();
  const queue: { source?: string; code: string }[] = [{ code: expr }];
  while (queue.length) {
    const { source, code } = queue.shift()!;
    const names = used(code);
    const fresh = hashSetOrder(names.filter((n) => !seen.has(n)));
    for (const n of names) seen.add(n);
    for (const n of fresh) usages.add(n);
    if (source !== undefined) references.set(source, names);
    queue.push(...fresh.map((n) => ({ source: n, code: values.get(n)! })));
  }

  // `sort-binds`: depth first; a name is placed after (outside of) the binds that depend on it.
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: string[] = [];
  const visit = (path: string[], name: string): void => {
    if (done.has(name)) return;
    if (visiting.has(name)) throw new CelCompileError([`The binds have a cyclic dependency ${path.join(' -> ')}`]);
    visiting.add(name);
    for (const ref of hashSetOrder(references.get(name) ?? [])) visit([...path, ref], ref);
    done.add(name);
    order.unshift(name);
  };
  for (const name of hashSetOrder(usages)) visit([name], name);
  return order.reduce((body, name) => `cel.bind(${name}, ${values.get(name)}, ${body})`, expr);
}

// ---- programs ----

/** The rules of one app (or of one `rules-override`), with their compiled programs cached. */
export class RuleSet {
  private readonly programs = new Map<string, Program | null>();

  constructor(readonly doc: RulesDocument) {}

  /** A bucket's entry in `$rateLimits` (validated when the rules were parsed). */
  rateLimitConfig(bucket: string): Json | undefined {
    return getIn(this.doc, ['$rateLimits', bucket]) as Json | undefined;
  }

  /** The program for an action on a namespace, with `$default` and built-in fallbacks; null: allowed. */
  program(etype: string, action: string): Program | null {
    return this.firstProgram(etype, action, [
      [etype, 'allow', action],
      [etype, 'allow', '$default'],
      ['$default', 'allow', action],
      ['$default', 'allow', '$default'],
      [etype, 'fallback', action],
    ]);
  }

  /** `link` / `unlink` rules of one side of a link: `ns.allow.link.<label>`, then `ns.allow.link.$default`. */
  linkProgram(etype: string, action: 'link' | 'unlink', label: string, programEtype = etype): Program | null {
    return this.firstProgram(programEtype, action, [
      [etype, 'allow', action, label],
      [etype, 'allow', action, '$default'],
    ]);
  }

  /** A field rule (`ns.fields.<attr>`), evaluated like a view rule; null when there is none. */
  fieldProgram(etype: string, field: string): Program | null {
    if (getIn(this.doc, [etype, 'fields', field]) === undefined) return null;
    if (field === 'id') {
      throw validationError('permission', [etype, 'fields', 'id'], [
        { message: `You cannot set field rules for \`id\`. Use ${etype} -> allow -> view instead` },
      ]);
    }
    return this.firstProgram(etype, 'view', [[etype, 'fields', field]]);
  }

  /** Attributes with field rules. */
  fieldRules(etype: string): string[] {
    const fields = getIn(this.doc, [etype, 'fields']);
    return isObject(fields) ? Object.keys(fields) : [];
  }

  /** `get-program!`: the first path that holds a rule; a rule that does not compile is a validation error. */
  private firstProgram(etype: string, action: string, paths: string[][]): Program | null {
    const key = JSON.stringify([etype, action, paths]);
    if (this.programs.has(key)) return this.programs.get(key)!;
    let program: Program | null = null;
    for (const path of paths) {
      if (path[1] === 'fallback') {
        program = fallbackProgram(etype, action);
        break;
      }
      const expr = getIn(this.doc, path);
      if (expr === undefined || expr === null) continue;
      try {
        const code = withBinds(this.doc, etype, patchCode(expr));
        program = { etype, action, code, displayCode: patchCode(expr), compiled: compileRule(action, code) };
      } catch (e) {
        if (!(e instanceof CelCompileError)) throw e;
        throw validationError('permission', path, e.messages.map((message) => ({ message })));
      }
      break;
    }
    this.programs.set(key, program);
    return program;
  }
}

/** `fallback-program`: the built-in rules of system namespaces. */
function fallbackProgram(etype: string, action: string): Program | null {
  if (!SYSTEM_ETYPES.has(etype)) return null;
  const make = (code: string, displayCode = code): Program => ({ etype, action, code, displayCode, compiled: compileRule(action, code) });
  // Signup is allowed; creating `$users` through a transaction is refused separately.
  if (etype === '$users' && action === 'create') return make('true');
  if (etype === '$users' && (action === 'view' || action === 'update')) return make(USERS_SELF);
  if (etype === '$files' && ['view', 'create', 'update', 'delete'].includes(action)) return make('false');
  return make('false', `disallow_${action}_on_system_tables`);
}

// ---- validation (what Instant checks when rules are pushed) ----

export type { RuleIssue };

const ACTIONS = ['view', 'create', 'update', 'delete'];

function bindIssues(rules: RulesDocument): RuleIssue[] {
  const issues: RuleIssue[] = [];
  for (const [etype, value] of Object.entries(rules)) {
    const bind = normalizeBind(isObject(value) ? value.bind : undefined);
    if (bind.length % 2 !== 0) {
      issues.push({ message: 'bind should have an even number of elements', in: [etype, 'bind'] });
      continue;
    }
    const names = new Set<string>();
    for (let i = 0; i < bind.length; i += 2) {
      const name = String(bind[i]);
      if (names.has(name)) {
        issues.push({ message: 'bind should only contain a given variable name once', in: [etype, 'bind', name] });
        break;
      }
      names.add(name);
    }
  }
  return issues;
}

function exprIssues(rules: RulesDocument, etype: string, action: string, path: string[]): RuleIssue[] {
  const expr = getIn(rules, path);
  if (expr === undefined || expr === null) return [];
  const rateLimits = getIn(rules, ['$rateLimits']);
  const rateLimitNames = new Set(isObject(rateLimits) ? Object.keys(rateLimits) : []);
  try {
    const compiled = compileRule(action, withBinds(rules, etype, patchCode(expr)));
    return validatorIssues(compiled, rateLimitNames).map((message) => ({ message, in: path }));
  } catch (e) {
    if (!(e instanceof CelCompileError)) return [{ message: 'There was an unexpected error evaluating the rules', in: path }];
    const at = brokenBind(rules, etype, action, expr);
    return e.messages.map((message) => ({ message, in: path, ...(at && { at }) }));
  }
}

/**
 * The bind a failing rule uses that fails on its own (its own binds compiling), so that the rules file can be
 * pointed at the bind rather than at the rule that names it. Instant reports the rule; so does the server.
 */
function brokenBind(rules: RulesDocument, etype: string, action: string, expr: unknown): string[] | undefined {
  const owners = new Map<string, { owner: string; value: string }>();
  for (const owner of ['$default', etype]) {
    const bind = normalizeBind(getIn(rules, [owner, 'bind']));
    for (let i = 0; i + 1 < bind.length; i += 2) owners.set(String(bind[i]), { owner, value: String(bind[i + 1]) });
  }
  const compiles = (code: string) => {
    try {
      compileRule(action, withBinds(rules, etype, code));
      return true;
    } catch {
      return false;
    }
  };
  const names = (code: string) => {
    try {
      return [...identifiersOf(code)];
    } catch {
      return [];
    }
  };
  const used = new Set<string>();
  const pending = names(typeof expr === 'string' ? expr : '');
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    const bind = owners.get(name);
    if (!bind || used.has(name)) continue;
    used.add(name);
    pending.push(...names(bind.value));
  }
  const broken = [...used].filter((name) => !compiles(owners.get(name)!.value));
  // The innermost: a broken bind that only uses binds which compile.
  const culprit = broken.find((name) => !names(owners.get(name)!.value).some((ref) => ref !== name && broken.includes(ref))) ?? broken[0];
  return culprit === undefined ? undefined : [owners.get(culprit)!.owner, 'bind', culprit];
}

function ruleIssues(rules: RulesDocument): RuleIssue[] {
  const issues: RuleIssue[] = [];
  for (const etype of Object.keys(rules)) {
    if (etype === '$rateLimits') continue;
    for (const action of ACTIONS) {
      const path = [etype, 'allow', action];
      if (etype === '$users' && action === 'delete') {
        const rule = getIn(rules, path);
        if (rule !== undefined && rule !== null && rule !== 'false') {
          issues.push({ message: 'The $users namespace doesn\'t support permissions for delete. Set `$users.allow.delete` to `"false"`.', in: path });
          continue;
        }
      }
      if (etype.startsWith('$') && !RULABLE_SYSTEM_ETYPES.has(etype)) {
        issues.push({ message: `The ${etype} namespace is a reserved internal namespace that does not yet support rules.`, in: path });
        continue;
      }
      issues.push(...exprIssues(rules, etype, action, path));
    }
  }
  return issues;
}

function fieldIssues(rules: RulesDocument): RuleIssue[] {
  const issues: RuleIssue[] = [];
  for (const etype of Object.keys(rules)) {
    const fields = getIn(rules, [etype, 'fields']);
    if (!isObject(fields)) continue;
    for (const field of Object.keys(fields)) {
      if (field === 'id') {
        issues.push({ message: `You cannot set field rules for \`id\`. Use ${etype} -> allow -> view instead`, in: [etype, 'fields'] });
      } else {
        issues.push(...exprIssues(rules, etype, 'view', [etype, 'fields', field]));
      }
    }
  }
  return issues;
}

function rateLimitIssues(rules: RulesDocument): RuleIssue[] {
  return rateLimitConfigIssues(rules.$rateLimits);
}

/** `rule/validation-errors`: every problem of a rules document, each with the path of the rule. */
export function ruleValidationIssues(rules: RulesDocument): RuleIssue[] {
  return [...bindIssues(rules), ...ruleIssues(rules), ...fieldIssues(rules), ...rateLimitIssues(rules)];
}

/** A rules document: a JSON object (Instant reads rules as JSON), validated; else `validation-failed` for `rule`. */
export function parseRules(input: unknown): RuleSet {
  const doc = input === undefined || input === null ? {} : (JSON.parse(JSON.stringify(input)) as Json);
  if (!isObject(doc)) {
    throw validationError('rule', doc, [{ message: 'The rules must be an object: { <namespace>: { allow: { view: "...", ... } } }' }]);
  }
  const issues = ruleValidationIssues(doc);
  // `at` is for the rules file's messages; Instant's response names only the rule (`in`).
  if (issues.length) throw validationError('rule', doc, issues.map(({ message, in: where }): ValidationEntry => ({ message, in: where })));
  return new RuleSet(doc);
}
