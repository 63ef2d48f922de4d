// The constraint steps of a schema push (indexing_jobs.clj `jobs`: index, unique, required,
// check-data-type and their removals). Instant runs them as background jobs after the push and reports
// each job's outcome; the local server runs them at once, inside the push's transaction, so a step the
// data does not allow fails the whole push and the app stays as it was.

import { randomUUID } from 'node:crypto';
import { decode, type Json, type JsonObject } from '../json.js';
import type { Attr, AttrIndex } from '../storage/attrs.js';
import type { TripleRow } from '../storage/triples.js';
import type { Engine } from '../engine.js';
import { typedValue } from '../storage/sortValue.js';
import { jsonbSize } from '../transact/jsonb.js';

export const JOB_TYPES = new Set([
  'index',
  'remove-index',
  'unique',
  'remove-unique',
  'required',
  'remove-required',
  'check-data-type',
  'remove-data-type',
]);

/** `pg_column_size(value) <= 1024` for indexed and unique values (as in transact/values.ts). */
const MAX_INDEXED_BYTES = 1024;
const SAMPLE_SIZE = 3;

export interface JobStep {
  index: number;
  type: string;
  attrId: string;
  checkedType?: string;
}

/** Why the data does not allow a step: `message` names the attr and the fix. */
export interface JobFailure {
  message: string;
  sample: { entity_id: string; value: Json; json_type: string }[];
  invalidUniqueValue?: Json;
}

/** The attr as the step leaves it. */
export function jobResult(attr: Attr, step: JobStep): Attr {
  switch (step.type) {
    case 'index':
    case 'remove-index':
      return { ...attr, indexed: step.type === 'index' };
    case 'unique':
    case 'remove-unique':
      return { ...attr, unique: step.type === 'unique' };
    case 'required':
    case 'remove-required':
      return { ...attr, required: step.type === 'required' };
    case 'check-data-type':
      return { ...attr, checkedType: step.checkedType as Attr['checkedType'] };
    default:
      return { ...attr, checkedType: undefined };
  }
}

function sampleOf(rows: TripleRow[]): JobFailure['sample'] {
  return rows.slice(0, SAMPLE_SIZE).map((t) => {
    const value = decode(t.value);
    return { entity_id: t.entity_id, value, json_type: value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value };
  });
}

function ids(rows: { entity_id: string }[]): string {
  return rows.slice(0, SAMPLE_SIZE).map((r) => r.entity_id).join(', ');
}

/** Whether the app's data allows the step on `attr`; undefined when it does. */
export function jobFailure(engine: Engine, appId: string, attrs: AttrIndex, attr: Attr, step: JobStep): JobFailure | undefined {
  const name = `${attr.etype}.${attr.label}`;
  const rows = () => engine.triples.ofAttr(appId, attr.id).filter((t) => t.value !== 'null');
  switch (step.type) {
    case 'unique': {
      const seen = new Map<string, TripleRow[]>();
      for (const t of rows()) seen.set(t.value, [...(seen.get(t.value) ?? []), t]);
      const dup = [...seen.values()].find((group) => group.length > 1);
      if (!dup) return undefined;
      return {
        message: `${name} can't be made unique: ${dup.length} entities have the value ${dup[0].value} (${ids(dup)}). Give them distinct values, then push again.`,
        sample: sampleOf(dup),
        invalidUniqueValue: decode(dup[0].value),
      };
    }
    case 'required': {
      const idAttr = attrs.idAttr(attr.etype);
      const holders = new Set(rows().map((t) => t.entity_id));
      const missing = idAttr ? engine.triples.ofAttr(appId, idAttr.id).filter((t) => !holders.has(t.entity_id)) : [];
      if (!missing.length || attr.label === 'id') return undefined;
      return {
        message: `${name} can't be made required: ${missing.length} ${attr.etype} have no value for it (${ids(missing)}). Give them a value, then push again.`,
        sample: missing.slice(0, SAMPLE_SIZE).map((t) => ({ entity_id: t.entity_id, value: null, json_type: 'null' })),
      };
    }
    case 'check-data-type': {
      const type = step.checkedType ?? '';
      const wrong = rows().filter((t) => typedValue(type, decode(t.value)) === undefined);
      if (!wrong.length) return undefined;
      return {
        message: `${name} can't be made a ${type}: ${wrong.length} values are not ${type}s (${ids(wrong)}). Fix or clear those values, then push again.`,
        sample: sampleOf(wrong),
      };
    }
    case 'index': {
      const large = rows().filter((t) => jsonbSize(decode(t.value)) > MAX_INDEXED_BYTES);
      if (!large.length) return undefined;
      return {
        message: `${name} can't be indexed: ${large.length} values are larger than ${MAX_INDEXED_BYTES} bytes (${ids(large)}). Shorten them, then push again.`,
        sample: sampleOf(large),
      };
    }
    default:
      return undefined;
  }
}

/** indexing_jobs.clj `job->client-format`, for a job that already ran. */
export function completedJob(appId: string, groupId: string, attr: Attr, step: JobStep, now: Date): JsonObject {
  const at = now.toISOString();
  return {
    id: randomUUID(),
    app_id: appId,
    group_id: groupId,
    attr_id: attr.id,
    attr_name: `${attr.etype}.${attr.label}`,
    job_type: step.type,
    job_status: 'completed',
    job_stage: null,
    work_estimate: 0,
    work_completed: 0,
    error: null,
    checked_data_type: step.checkedType ?? null,
    created_at: at,
    updated_at: at,
    done_at: at,
    invalid_unique_value: null,
    invalid_triples_sample: null,
    error_data: null,
  };
}

// Jobs stay readable (`GET .../indexing-jobs/group/:group_id`) for as long as the server runs.
const groups = new WeakMap<Engine, Map<string, { appId: string; jobs: JsonObject[] }>>();

export function rememberJobs(engine: Engine, appId: string, groupId: string, jobs: JsonObject[]): void {
  let map = groups.get(engine);
  if (!map) groups.set(engine, (map = new Map()));
  map.set(groupId, { appId, jobs });
}

export function jobsOfGroup(engine: Engine, appId: string, groupId: string): JsonObject[] {
  const group = groups.get(engine)?.get(groupId);
  return group && group.appId === appId ? group.jobs : [];
}

export function jobById(engine: Engine, appId: string, jobId: string): JsonObject | null {
  for (const group of groups.get(engine)?.values() ?? []) {
    if (group.appId !== appId) continue;
    const job = group.jobs.find((j) => j.id === jobId);
    if (job) return job;
  }
  return null;
}
