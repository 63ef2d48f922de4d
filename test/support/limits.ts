// Time limits for test servers whose tests are not about them. A test may run on a fully loaded machine
// (CI on a fresh clone, other jobs on the same cores), where reading back thousands of entities can take
// far longer than the server's 5 s default query limit: only a hung query should reach these.

export const GENEROUS_QUERY_TIMEOUT_MS = 120_000;

/** `limits` for startServer. */
export const GENEROUS_LIMITS = Object.freeze({ queryTimeoutMs: GENEROUS_QUERY_TIMEOUT_MS });
