// Live queries: subscriptions over SSE that are pushed a new result after each write that changes it.

export { LiveQueries, type LiveLimits, type LiveOptions, type SubscribeSpec } from './liveQueries.js';
