// Transactions as a user or guest (permissioned_transaction.clj `transact!`):
//   1. system columns and entities are refused (systemColumns.ts);
//   2. the entities the steps touch are read as they are before the transaction, lookups resolved where
//      they can be, and `newData` computed in memory by applying the steps in order (a merge deep-merges)
//      to those entities (an entity no step writes keeps its loaded data);
//   3. before writing: `update` for existing entities (data, newData, request.modifiedFields), `delete`
//      (even for ids that do not exist), `link`/`unlink` rules when either side of a link has one, else
//      `update` of the link's owner plus `view` of an existing target; attr updates/deletes are admin-only;
//   4. after writing (so `data.ref` sees the new links): `create` for new entities, `link` rules of new
//      entities, `view` of link targets the transaction created, `attrs.allow.create` for new attrs.
// A failing check throws `permission-denied` (the caller's SQLite transaction rolls everything back); in
// collect mode (transact_perms_check) every result is recorded instead.

import { InstantError, validationError } from '../errors.js';
import { getKey, setKey, type Json, type JsonObject } from '../json.js';
import type { TransactionCheck } from '../permissions.js';
import { QueryReader } from '../query/reader.js';
import type { Attr } from '../storage/attrs.js';
import { resolveLookup, type DataView } from '../transact/preprocess.js';
import { LookupRef, type Eid, type TxOp, type TxStep } from '../transact/txSteps.js';
import { deepMerge } from '../transact/values.js';
import { passes } from './cel.js';
import { jsonValue } from './context.js';
import { evaluateProgram, programJson, type CheckBindings, type RuleContext } from './evaluate.js';
import type { Program, RuleSet } from './rules.js';
import { assertNoSystemWrites, txStepError } from './systemColumns.js';

/** One tx-step as the checks see it: namespace, link sides, lookups resolved where possible. */
interface Item {
  step: TxStep;
  op: TxOp;
  eid?: Eid;
  etype?: string;
  attr?: Attr;
  /** Link steps: the target and its namespace. */
  value?: Json | LookupRef;
  revEtype?: string;
}

interface Check {
  scope: 'object' | 'attr';
  action: string;
  etype: string;
  eid?: Eid;
  /** null: no rule, allowed; a boolean: a fixed result (attr updates and deletes are admin-only). */
  program: Program | null | boolean;
  bindings?: CheckBindings;
}

export interface TransactionCheckOptions {
  rules: RuleSet;
  ctx: RuleContext;
  /** transact_perms_check: record every check here and do not throw when one fails. */
  results?: JsonObject[];
}

const keyOf = (eid: Eid | Json | undefined, etype: string | undefined): string =>
  `${eid instanceof LookupRef ? `lookup:${eid.key()}` : String(eid)}\u0000${etype}`;

const eidKey = (eid: Eid | undefined): string => (eid instanceof LookupRef ? `lookup:${eid.key()}` : String(eid));

const jsonOf = (v: Json | LookupRef | undefined): Json => (v instanceof LookupRef ? [v.attrId, v.value] : (v ?? null));

function isRef(item: Item): boolean {
  return item.attr?.valueType === 'ref' && item.revEtype !== undefined;
}

export function checkTransaction(opts: TransactionCheckOptions, view: DataView, steps: readonly TxStep[]): TransactionCheck {
  assertNoSystemWrites(view.attrs, steps);
  const before = new QueryReader(view.store, view.appId, view.attrs);

  // ---- entities before the transaction, lookups resolved where the entity exists ----
  const entities = new Map<string, JsonObject | undefined>();
  const resolve = (eid: Eid | Json | LookupRef | undefined, etype: string | undefined): Eid | Json | undefined => {
    if (etype === undefined || eid === undefined || eid === null) return eid ?? undefined;
    const id = eid instanceof LookupRef ? resolveLookup(view, eid) : typeof eid === 'string' ? eid : undefined;
    const entity = id === undefined ? undefined : before.entity(etype, id);
    const resolved = entity ? id! : (eid as Eid);
    entities.set(keyOf(resolved, etype), entity);
    return resolved;
  };
  const items: Item[] = steps.map((step) => {
    switch (step.op) {
      case 'add-triple':
      case 'deep-merge-triple':
      case 'retract-triple': {
        const attr = view.attrs.get(step.attrId);
        const item: Item = { step, op: step.op, attr, etype: attr?.etype, value: step.value };
        item.eid = resolve(step.eid, item.etype) as Eid;
        if (attr?.valueType === 'ref' && attr.revEtype !== undefined) {
          item.revEtype = attr.revEtype;
          item.value = resolve(step.value, attr.revEtype) as Json | LookupRef;
        }
        return item;
      }
      case 'delete-entity':
      case 'rule-params':
        return { step, op: step.op, etype: step.etype, eid: resolve(step.eid, step.etype) as Eid };
      default:
        return { step, op: step.op };
    }
  });
  const entityOf = (eid: Eid | Json | undefined, etype: string | undefined) => entities.get(keyOf(eid, etype));

  // ---- newData: the steps applied in memory, in their order ----
  const updated = new Map<string, JsonObject>();
  for (const item of items) {
    if (item.eid === undefined || item.etype === undefined || !item.attr) continue;
    const key = keyOf(item.eid, item.etype);
    const entity: JsonObject = { ...(updated.get(key) ?? entityOf(item.eid, item.etype) ?? {}) };
    if (item.eid instanceof LookupRef && (item.op === 'add-triple' || item.op === 'deep-merge-triple')) {
      const lookupAttr = view.attrs.get(item.eid.attrId);
      if (lookupAttr) setKey(entity, lookupAttr.label, item.eid.value);
    }
    const label = item.attr.label;
    if (item.op === 'add-triple') setKey(entity, label, jsonOf(item.value));
    if (item.op === 'deep-merge-triple') setKey(entity, label, deepMerge(getKey(entity, label), jsonOf(item.value)));
    if (item.op === 'retract-triple') delete entity[label];
    updated.set(key, entity);
  }
  // Instant's updated-entities map starts as the loaded entities, so an entity no step writes to (the
  // target of a link) has its loaded data as `newData`.
  const updatedOf = (eid: Eid | Json | undefined, etype: string | undefined): JsonObject | null =>
    updated.get(keyOf(eid, etype)) ?? entityOf(eid, etype) ?? null;

  const ruleParams = new Map<string, JsonObject>();
  for (const item of items) {
    if (item.step.op !== 'rule-params') continue;
    const key = keyOf(item.eid, item.etype);
    ruleParams.set(key, { ...ruleParams.get(key), ...item.step.params });
  }
  const paramsOf = (eid: Eid | Json | undefined, etype: string | undefined): JsonObject | null => ruleParams.get(keyOf(eid, etype)) ?? null;
  const mergeParams = (a: JsonObject | null, b: JsonObject | null): JsonObject | null => (a || b ? { ...a, ...b } : null);

  const modifiedFields = (eid: Eid | undefined): string[] => [
    ...new Set(
      items
        .filter((i) => (i.op === 'add-triple' || i.op === 'deep-merge-triple') && eidKey(i.eid) === eidKey(eid) && i.attr)
        .map((i) => i.attr!.label)
        .filter((label) => label !== 'id'),
    ),
  ];

  const { rules } = opts;
  const linkPrograms = (item: Item, action: 'link' | 'unlink') => ({
    own: rules.linkProgram(item.etype!, action, item.attr!.label),
    // Instant looks the reverse side's rule up under the link owner's namespace (its binds, its name in errors).
    rev: rules.linkProgram(item.revEtype!, action, item.attr!.revLabel ?? '', item.etype!),
  });

  // ---- checks before writing ----
  const preChecks: Check[] = [];
  for (const item of items) {
    const { op, eid, etype } = item;
    if (op === 'update-attr' || op === 'delete-attr') {
      preChecks.push({ scope: 'attr', action: op === 'update-attr' ? 'update' : 'delete', etype: 'attrs', program: false });
      continue;
    }
    if (etype === undefined) continue;
    const entity = entityOf(eid, etype);
    const params = paramsOf(eid, etype);
    const updateCheck = (data: JsonObject, ruleParams: JsonObject | null): Check => ({
      scope: 'object',
      action: 'update',
      etype,
      eid,
      program: rules.program(etype, 'update'),
      bindings: { data, 'new-data': updatedOf(eid, etype), 'rule-params': ruleParams, 'modified-fields': modifiedFields(eid) },
    });
    if ((op === 'add-triple' || op === 'retract-triple') && isRef(item)) {
      const action = op === 'add-triple' ? 'link' : 'unlink';
      const rev = entityOf(item.value, item.revEtype);
      const revParams = paramsOf(item.value, item.revEtype);
      const { own, rev: revProgram } = linkPrograms(item, action);
      if (own || revProgram) {
        const actions = (other: unknown): JsonObject | undefined =>
          action === 'link' ? { data: 'update', linkedData: other ? 'update' : 'create' } : undefined;
        if (entity && own) {
          preChecks.push({
            scope: 'object',
            action,
            etype,
            eid,
            program: own,
            bindings: withActions(
              { data: entity, 'new-data': updatedOf(eid, etype), 'linked-data': rev ?? null, 'linked-etype': item.revEtype, 'rule-params': mergeParams(revParams, params) },
              actions(rev),
            ),
          });
        }
        if (rev && revProgram) {
          preChecks.push({
            scope: 'object',
            action,
            etype: item.revEtype!,
            eid: item.value as Eid,
            program: revProgram,
            bindings: withActions(
              {
                data: action === 'link' ? { ...rev, $action: 'update' } : rev,
                'new-data': updatedOf(item.value, item.revEtype),
                'linked-data': action === 'link' ? updatedOf(eid, etype) : (entity ?? null),
                'linked-etype': etype,
                'rule-params': mergeParams(params, revParams),
              },
              actions(entity),
            ),
          });
        }
        continue;
      }
      if (entity) preChecks.push(updateCheck(entity, mergeParams(revParams, params)));
      if (rev) {
        preChecks.push({
          scope: 'object',
          action: 'view',
          etype: item.revEtype!,
          eid: item.value as Eid,
          program: rules.program(item.revEtype!, 'view'),
          bindings: { data: rev, 'new-data': updatedOf(item.value, item.revEtype), 'rule-params': mergeParams(params, revParams) },
        });
      }
      continue;
    }
    if ((op === 'add-triple' || op === 'deep-merge-triple') && entity) preChecks.push(updateCheck(entity, params));
    if (op === 'delete-entity') {
      preChecks.push({ scope: 'object', action: 'delete', etype, eid, program: rules.program(etype, 'delete'), bindings: { data: entity ?? null, 'rule-params': params } });
    }
  }
  runChecks(opts, preChecks, before);

  return {
    afterWrite: () => {
      const after = new QueryReader(view.store, view.appId, view.attrs);
      // Lookups that found nothing before the writes name the entities the transaction created.
      const created = (eid: Eid | Json | undefined): Eid | Json | undefined =>
        eid instanceof LookupRef ? (resolveLookup(view, eid) ?? eid) : eid;
      const newEntity = (eid: Eid | Json | undefined, etype: string | undefined): JsonObject | null => {
        const entity = updatedOf(eid, etype);
        return entity ? { ...entity, id: jsonOf(created(eid) as Json | LookupRef) } : null;
      };

      const postChecks: Check[] = [];
      for (const item of items) {
        const { op, eid, etype } = item;
        if (op === 'add-attr' && item.step.op === 'add-attr') {
          postChecks.push({ scope: 'attr', action: 'create', etype: 'attrs', program: rules.program('attrs', 'create'), bindings: { data: attrJson(item.step.attr) } });
          continue;
        }
        if (etype === undefined) continue;
        const isNew = entityOf(eid, etype) === undefined;
        const entity = newEntity(eid, etype);
        const params = paramsOf(eid, etype);
        if (op === 'add-triple' && isRef(item)) {
          const revExisted = entityOf(item.value, item.revEtype) !== undefined;
          const rev = newEntity(item.value, item.revEtype);
          const revParams = paramsOf(item.value, item.revEtype);
          const { own, rev: revProgram } = linkPrograms(item, 'link');
          if (own || revProgram) {
            if (isNew && own) {
              postChecks.push({
                scope: 'object',
                action: 'link',
                etype,
                eid: created(eid) as Eid,
                program: own,
                bindings: {
                  data: entity,
                  'new-data': entity,
                  'linked-data': rev,
                  'linked-etype': item.revEtype,
                  actions: { data: 'create', linkedData: revExisted ? 'update' : 'create' },
                  'rule-params': mergeParams(revParams, params),
                },
              });
            }
            if (rev && !revExisted && revProgram) {
              postChecks.push({
                scope: 'object',
                action: 'link',
                etype: item.revEtype!,
                eid: rev.id as string,
                program: revProgram,
                bindings: {
                  data: rev,
                  'new-data': rev,
                  'linked-data': entity,
                  'linked-etype': etype,
                  actions: { data: 'create', linkedData: isNew ? 'create' : 'update' },
                  'rule-params': mergeParams(params, revParams),
                },
              });
            }
            continue;
          }
          if (isNew) {
            postChecks.push({
              scope: 'object',
              action: 'create',
              etype,
              eid: created(eid) as Eid,
              program: rules.program(etype, 'create'),
              bindings: { data: entity, 'new-data': entity, 'rule-params': mergeParams(revParams, params), 'modified-fields': modifiedFields(eid) },
            });
          }
          if (rev && !revExisted) {
            postChecks.push({
              scope: 'object',
              action: 'view',
              etype: item.revEtype!,
              eid: rev.id as string,
              program: rules.program(item.revEtype!, 'view'),
              bindings: { data: rev, 'new-data': rev, 'rule-params': mergeParams(params, revParams) },
            });
          }
          continue;
        }
        if ((op === 'add-triple' || op === 'deep-merge-triple') && isNew) {
          if (etype === '$users') throw txStepError(item.step, "$users is a system entity. You aren't allowed to create this directly.");
          postChecks.push({
            scope: 'object',
            action: 'create',
            etype,
            eid: created(eid) as Eid,
            program: rules.program(etype, 'create'),
            bindings: { data: entity, 'new-data': entity, 'rule-params': params, 'modified-fields': modifiedFields(eid) },
          });
        }
      }
      runChecks(opts, postChecks, after);
    },
  };
}

function withActions(bindings: CheckBindings, actions: JsonObject | undefined): CheckBindings {
  return actions ? { ...bindings, actions } : bindings;
}

/** `add-attr`'s attr as Instant's attr JSON (the `data` of `attrs.allow.create`). */
function attrJson(attr: Attr): JsonObject {
  const json: JsonObject = {
    id: attr.id,
    'forward-identity': [attr.id, attr.etype, attr.label],
    'value-type': attr.valueType,
    cardinality: attr.cardinality,
    'unique?': attr.unique,
    'index?': attr.indexed,
  };
  if (attr.revEtype !== undefined) json['reverse-identity'] = [attr.id, attr.revEtype, attr.revLabel ?? null];
  return json;
}

/** `run-checks!`: distinct checks, each evaluated, then asserted in order (or recorded in collect mode). */
function runChecks(opts: TransactionCheckOptions, checks: Check[], reader: QueryReader): void {
  const distinct = new Map<string, Check>();
  for (const check of checks) {
    const program = typeof check.program === 'object' && check.program ? [check.program.etype, check.program.action, check.program.code] : check.program;
    distinct.set(JSON.stringify([check.scope, check.action, check.etype, jsonOf(check.eid), program, check.bindings ?? null]), check);
  }
  const list = [...distinct.values()];
  for (const check of list) {
    if (check.eid instanceof LookupRef) {
      throw validationError('lookup', [check.eid.attrId, check.eid.value], [{ message: 'Could not find the entity for this lookup' }]);
    }
  }
  const results = list.map((check) => {
    const { program } = check;
    if (program === null) return true;
    if (typeof program === 'boolean') return program;
    return evaluateProgram(program, check.etype, check.bindings ?? {}, opts.ctx, reader);
  });
  list.forEach((check, i) => {
    const result = results[i];
    const pass = passes(result);
    if (opts.results) {
      const entry: JsonObject = { scope: check.scope, action: check.action, etype: check.etype };
      if (check.eid !== undefined) entry.eid = jsonOf(check.eid);
      entry.program = typeof check.program === 'object' ? programJson(check.program) : {};
      if (check.bindings) entry.bindings = bindingsJson(check.bindings);
      entry['check-result'] = jsonValue(result);
      entry['check-pass?'] = pass;
      opts.results.push(entry);
    } else if (!pass) {
      throw new InstantError('permission-denied', 'Permission denied: not perms-pass?', { input: [check.etype, check.scope], expected: 'perms-pass?' });
    }
  });
}

function bindingsJson(bindings: CheckBindings): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(bindings)) if (v !== undefined) out[k] = v as Json;
  return out;
}
