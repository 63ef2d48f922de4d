// Every conformance case, for runners (the SDK runner here, a generated-client runner later).

import type { ConformanceCase } from '../../support/conformance.js';
import { QUERY_CASES } from './query.js';
import { TRANSACT_CASES } from './transact.js';
import { AUTH_CASES } from './auth.js';
import { WIRE_CASES } from './wire.js';
import { PERMS_CASES } from './perms.js';
import { RATE_LIMIT_CASES } from './rateLimits.js';
import { VALUE_CASES } from './values.js';
import { FIXTURES as BASE_FIXTURES } from './fixtures.js';
import { PERMS_FIXTURES } from './permsFixtures.js';
import { PARITY_CASES } from './parity.js';

export const FIXTURES = { ...BASE_FIXTURES, ...PERMS_FIXTURES };

export const ALL_CASES: { group: string; cases: ConformanceCase[] }[] = [
  { group: 'query', cases: QUERY_CASES },
  { group: 'transact', cases: TRANSACT_CASES },
  { group: 'values', cases: VALUE_CASES },
  { group: 'auth', cases: AUTH_CASES },
  { group: 'wire', cases: WIRE_CASES },
  { group: 'perms', cases: PERMS_CASES },
  { group: 'rateLimits', cases: RATE_LIMIT_CASES },
  { group: 'parity', cases: PARITY_CASES },
];
