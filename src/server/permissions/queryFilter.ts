// Queries as a user or guest (instaql.clj `get-etype+eid-check-result!`, `permissioned-node`): every entity
// a query would return, at any depth, or pass through in a where path, is checked with its namespace's
// `view` rule (and field rules); failing entities are dropped silently with their children, failing field
// rules drop that key. Each (namespace, entity) is evaluated once per query.

import type { JsonObject } from '../json.js';
import type { QueryFilter } from '../permissions.js';
import type { QueryReader } from '../query/reader.js';
import { passes } from './cel.js';
import { jsonValue } from './context.js';
import { evaluateProgram, programJson, type RuleContext } from './evaluate.js';
import type { Program, RuleSet } from './rules.js';

const NOTHING_HIDDEN: ReadonlySet<string> = new Set();

export class RuleQueryFilter implements QueryFilter {
  private readonly verdicts = new Map<string, ReadonlySet<string> | null>();

  constructor(
    private readonly rules: RuleSet,
    private readonly ctx: RuleContext,
    private readonly ruleParams: JsonObject,
    private readonly reader: QueryReader,
    /** `query_perms_check`: every check, as `check-results`. */
    private readonly results?: JsonObject[],
  ) {}

  view(etype: string, eid: string): ReadonlySet<string> | null {
    const key = `${etype}\u0000${eid}`;
    const known = this.verdicts.get(key);
    if (known !== undefined) return known;
    const program = this.rules.program(etype, 'view');
    const fields = this.rules.fieldRules(etype);
    // No rule to run and nothing to report: visible as is, without reading the entity.
    if (!program && fields.length === 0 && !this.results) return NOTHING_HIDDEN;
    const data = this.reader.entity(etype, eid) ?? null;
    const visible = this.check(program, etype, eid, data, null);
    const hidden = new Set<string>();
    for (const field of fields) {
      if (!data || !Object.hasOwn(data, field)) continue;
      if (!this.check(this.rules.fieldProgram(etype, field), etype, eid, data, field)) hidden.add(field);
    }
    const verdict = visible ? hidden : null;
    this.verdicts.set(key, verdict);
    return verdict;
  }

  private check(program: Program | null, etype: string, eid: string, data: JsonObject | null, label: string | null): boolean {
    const result = program ? evaluateProgram(program, etype, { data, 'rule-params': this.ruleParams }, this.ctx, this.reader) : true;
    this.results?.push({ id: eid, entity: etype, label, record: data, program: programJson(program), check: jsonValue(result) });
    return passes(result);
  }
}
