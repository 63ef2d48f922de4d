// `POST /dash/apps/:app_id/schema/steps/apply` (dash/routes.clj `schema-steps-apply-post`, model/schema.clj
// `apply-plan-with-deletes!`): the steps instant-cli computed from the schema file. Attr steps (add-attr,
// update-attr, delete-attr) run as an admin transaction with the server's usual validation; constraint steps
// (index, unique, required, check-data-type and removals) are checked against the data and applied in the
// same SQLite transaction. Anything invalid fails the whole push with an Instant error and changes nothing.
//
// One deliberate difference: Instant soft-deletes an attr (restorable for a grace period); the local server
// would delete its values for good, so it refuses to delete an attr that still holds data.

import { randomUUID } from 'node:crypto';
import { InstantError, validationError, type ValidationEntry } from '../errors.js';
import { coerceUuid, isObject, type Json, type JsonObject } from '../json.js';
import type { Attr, AttrIndex } from '../storage/attrs.js';
import type { Engine } from '../engine.js';
import { validateAdminSteps } from '../transact/steps.js';
import { expandSteps } from '../transact/expand.js';
import { executeTxSteps } from '../transact/executor.js';
import { sortsDifferently } from '../storage/sortValue.js';
import { completedJob, jobFailure, jobResult, JOB_TYPES, rememberJobs, type JobStep } from './indexingJobs.js';

const ATTR_OPS = new Set(['add-attr', 'update-attr', 'delete-attr']);

interface Split {
  attrSteps: unknown[];
  jobSteps: JobStep[];
}

function opOf(step: unknown): unknown {
  return Array.isArray(step) ? step[0] : undefined;
}

/** Unknown ops pass through untouched, as in `create-indexing-jobs`. */
function split(steps: unknown[]): Split {
  const attrSteps: unknown[] = [];
  const jobSteps: JobStep[] = [];
  steps.forEach((step, index) => {
    const op = opOf(step);
    if (typeof op === 'string' && ATTR_OPS.has(op)) attrSteps.push(step);
    if (typeof op !== 'string' || !JOB_TYPES.has(op)) return;
    const params = (step as unknown[])[1];
    const attrId = isObject(params) ? coerceUuid(params['attr-id']) : undefined;
    if (!attrId) throw validationError('tx-steps', step, [{ expected: 'attr-id', in: [index, 1, 'attr-id'] }]);
    const checked = isObject(params) ? params['checked-data-type'] : undefined;
    jobSteps.push({ index, type: op, attrId, ...(typeof checked === 'string' ? { checkedType: checked } : {}) });
  });
  return { attrSteps, jobSteps };
}

/** delete-attr steps whose attr still has values (entities, for an `id` attr). */
function dataLossIssues(engine: Engine, appId: string, attrs: AttrIndex, steps: unknown[]): ValidationEntry[] {
  const issues: ValidationEntry[] = [];
  steps.forEach((step, index) => {
    if (opOf(step) !== 'delete-attr') return;
    const attr = attrs.get(coerceUuid((step as unknown[])[1]) ?? '');
    if (!attr) return;
    const held = engine.triples.ofAttr(appId, attr.id).filter((t) => t.value !== 'null');
    if (!held.length) return;
    const what = attr.label === 'id' ? `the ${held.length} ${attr.etype} entities` : `the values ${held.length} ${attr.etype} entities have for it`;
    issues.push({
      message:
        `Deleting ${attr.etype}.${attr.label} would delete ${what} (${held.slice(0, 3).map((t) => t.entity_id).join(', ')}): ` +
        'the local server cannot restore deleted attributes as Instant does. Delete or clear that data first ' +
        `(or keep ${attr.etype}.${attr.label} in the schema file), then push again.`,
      in: ['steps', index],
    });
  });
  return issues;
}

/** The attr steps against the admin steps' spec, each error pointing at the step's place in the push. */
function checkStepsShape(input: unknown[]): void {
  input.forEach((step, index) => {
    if (!ATTR_OPS.has(opOf(step) as string)) return;
    try {
      validateAdminSteps([step]);
    } catch (e) {
      if (!(e instanceof InstantError)) throw e;
      const errors = ((e.hint?.errors ?? []) as ValidationEntry[]).map((entry) => ({ ...entry, in: [index, ...(entry.in ?? []).slice(1)] }));
      throw validationError('steps', input, errors);
    }
  });
}

/** Applies one constraint step to an attr that passed its check: flags, sort values, explicit nulls. */
function applyJob(engine: Engine, appId: string, attrs: AttrIndex, before: Attr, after: Attr, now: number): void {
  engine.attrStore.update(appId, after);
  if (sortsDifferently(before, after)) engine.triples.resort(appId, after);
  const idAttr = attrs.idAttr(after.etype);
  if (after.indexed && !before.indexed && after.valueType === 'blob' && idAttr && after.label !== 'id') {
    engine.triples.fillNulls(appId, idAttr.id, after.id, now);
  }
}

function runJobs(engine: Engine, appId: string, jobSteps: JobStep[]): { jobs: JsonObject[]; groupId: string } {
  const groupId = randomUUID();
  const jobs: JsonObject[] = [];
  const failures: ValidationEntry[] = [];
  const now = new Date();
  for (const step of jobSteps) {
    const attrs = engine.attrStore.load(appId);
    const attr = attrs.get(step.attrId);
    if (!attr) {
      failures.push({ message: `No attribute with id ${step.attrId} (step ${step.index}: ${step.type}). Pull the schema and push again.`, in: ['steps', step.index] });
      continue;
    }
    const failure = jobFailure(engine, appId, attrs, attr, step);
    if (failure) {
      failures.push({ message: failure.message, in: ['steps', step.index], 'invalid-triples-sample': failure.sample as unknown as Json });
      continue;
    }
    applyJob(engine, appId, attrs, attr, jobResult(attr, step), now.getTime());
    jobs.push(completedJob(appId, groupId, attr, step, now));
  }
  if (failures.length) throw validationError('schema', null, failures);
  return { jobs, groupId };
}

/** The response: the transaction, the steps (constraint steps with their `job-id`) and the finished jobs. */
export function applySchemaSteps(engine: Engine, appId: string, steps: unknown[]): JsonObject {
  checkStepsShape(steps);
  const { attrSteps, jobSteps } = split(steps);
  const result = engine.changeSchema(appId, (attrs) => {
    const loss = dataLossIssues(engine, appId, attrs, attrSteps);
    if (loss.length) throw validationError('schema', null, loss);
    const txSteps = expandSteps(attrs, attrSteps as Parameters<typeof expandSteps>[1]);
    const tx = txSteps.length ? executeTxSteps({ store: engine.triples, attrStore: engine.attrStore, appId, attrs }, txSteps) : undefined;
    return { tx, ...runJobs(engine, appId, jobSteps) };
  });
  if (result.jobs.length) rememberJobs(engine, appId, result.groupId, result.jobs);
  const jobIds = new Map(jobSteps.map((s, i) => [s.index, result.jobs[i]?.id]));
  return {
    transaction: result.tx ? { id: result.tx.txId, app_id: appId, created_at: new Date(result.tx.createdAt).toISOString() } : {},
    steps: steps.map((step, i) => (jobIds.has(i) ? withJobId(step, jobIds.get(i) as Json) : (step as Json))),
    'indexing-jobs': result.jobs.length ? { 'group-id': result.groupId, jobs: result.jobs } : null,
  };
}

function withJobId(step: unknown, jobId: Json): Json {
  const [op, params] = step as [string, JsonObject];
  return [op, { ...params, 'job-id': jobId }];
}
