// Every conformance case, for runners (the SDK runner here, a generated-client runner later).

import type { ConformanceCase } from '../../support/conformance.js';
import { QUERY_CASES } from './query.js';
import { TRANSACT_CASES } from './transact.js';
import { AUTH_CASES } from './auth.js';
import { WIRE_CASES } from './wire.js';

export { FIXTURES } from './fixtures.js';

export const ALL_CASES: { group: string; cases: ConformanceCase[] }[] = [
  { group: 'query', cases: QUERY_CASES },
  { group: 'transact', cases: TRANSACT_CASES },
  { group: 'auth', cases: AUTH_CASES },
  { group: 'wire', cases: WIRE_CASES },
];
