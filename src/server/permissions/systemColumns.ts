// permissioned_transaction.clj `prevent-system-column-updates`. For non-admin transactions: system
// namespaces' own attributes can't be written (only `$users.id`, `$files.id`, `$files.path`, `$streams.id`,
// which every update of a custom column carries), and system entities can't be deleted (except `$files`).
// Custom attributes of `$users` stay writable, subject to the `$users` update rule. For admins too: the
// `$files` and `$streams` columns only storage sets (size, location-id, ...), "even admins can't update".

import { validationError } from '../errors.js';
import type { Attr, AttrIndex } from '../storage/attrs.js';
import { LookupRef, type TxStep } from '../transact/txSteps.js';

const EDITABLE = new Set(['$users.id', '$files.id', '$files.path', '$streams.id']);

/** Instant's `$files` / `$streams` attrs, whether the app's schema also declares them or not. */
const STORAGE_ATTRS = new Set([
  '$files.path',
  '$files.size',
  '$files.content-type',
  '$files.content-disposition',
  '$files.location-id',
  '$files.key-version',
  '$files.url',
  '$streams.clientId',
  '$streams.machineId',
  '$streams.$files',
  '$streams.done',
  '$streams.size',
  '$streams.hashedReconnectToken',
  '$streams.abortReason',
]);

function isSystemColumn(attr: Attr): boolean {
  return attr.catalog === 'system' || STORAGE_ATTRS.has(`${attr.etype}.${attr.label}`);
}

/** `tx/vectorize-tx-step`, for the `input` of the validation error. */
function vectorize(step: TxStep): unknown[] {
  const json = (x: unknown) => (x instanceof LookupRef ? [x.attrId, x.value] : x);
  switch (step.op) {
    case 'add-triple':
    case 'deep-merge-triple':
    case 'retract-triple':
      return [step.op, json(step.eid), step.attrId, json(step.value)];
    case 'delete-entity':
      return [step.op, json(step.eid), step.etype];
    default:
      return [step.op];
  }
}

export function txStepError(step: TxStep, message: string) {
  return validationError('tx-step', vectorize(step), [{ message }]);
}

type TripleStep = Extract<TxStep, { attrId: string }>;
const isTripleOp = (step: TxStep): step is TripleStep =>
  step.op === 'add-triple' || step.op === 'deep-merge-triple' || step.op === 'retract-triple';

function columnError(step: TxStep, attr: Attr) {
  return txStepError(step, `${attr.etype}.${attr.label} is a system column. You aren't allowed to change this directly.`);
}

/** The admin half: `$files`/`$streams` columns that only storage writes. */
export function assertNoStorageColumnWrites(attrs: AttrIndex, steps: readonly TxStep[]): void {
  for (const step of steps) {
    if (!isTripleOp(step)) continue;
    const attr = attrs.get(step.attrId);
    if (!attr || EDITABLE.has(`${attr.etype}.${attr.label}`) || !STORAGE_ATTRS.has(`${attr.etype}.${attr.label}`)) continue;
    throw columnError(step, attr);
  }
}

export function assertNoSystemWrites(attrs: AttrIndex, steps: readonly TxStep[]): void {
  for (const step of steps) {
    if (step.op === 'delete-entity') {
      if (step.etype.startsWith('$') && step.etype !== '$files') {
        throw txStepError(step, `${step.etype} is a system entity. You aren't allowed to delete this directly.`);
      }
      continue;
    }
    if (!isTripleOp(step)) continue;
    const attr = attrs.get(step.attrId);
    if (!attr?.etype.startsWith('$') || EDITABLE.has(`${attr.etype}.${attr.label}`) || !isSystemColumn(attr)) continue;
    throw columnError(step, attr);
  }
}
