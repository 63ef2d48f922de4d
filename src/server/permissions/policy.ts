// The CEL-backed PermissionPolicy: an app's rules document, applied to impersonated queries and
// transactions. The debug endpoints (query_perms_check, transact_perms_check) use a fresh policy per
// request in collect mode: every check is recorded, failing ones do not throw, and CEL errors show their
// real message.

import type { JsonObject } from '../json.js';
import { RateLimiter } from '../rateLimits/index.js';
import type { PermissionPolicy, QueryFilter, QueryPermissionContext, Requester, TransactionCheck } from '../permissions.js';
import type { QueryReader } from '../query/reader.js';
import type { DataView } from '../transact/preprocess.js';
import type { TxStep } from '../transact/txSteps.js';
import type { RuleContext } from './evaluate.js';
import { RuleQueryFilter } from './queryFilter.js';
import { parseRules, type RuleSet } from './rules.js';
import { checkTransaction } from './transactionChecker.js';

export interface RulesPolicyOptions {
  /** Record every check in `results` instead of throwing on the first failure (debug endpoints). */
  collect?: boolean;
  /** Show CEL's own error message in `permission-evaluation-failed` (debug endpoints). */
  showCelErrors?: boolean;
  /** Where `$rateLimits` buckets live; share one across an app's policies so rule reloads keep them. */
  rateLimiter?: RateLimiter | undefined;
}

export class RulesPolicy implements PermissionPolicy {
  /** With `collect`: the check results, in Instant's `check-results` shape. */
  readonly results: JsonObject[] = [];

  readonly rateLimiter: RateLimiter;

  constructor(
    readonly rules: RuleSet,
    private readonly options: RulesPolicyOptions = {},
  ) {
    this.rateLimiter = options.rateLimiter ?? new RateLimiter();
  }

  queryFilter(ctx: QueryPermissionContext, reader: QueryReader): QueryFilter {
    return new RuleQueryFilter(this.rules, this.context(ctx), ctx.ruleParams as JsonObject, reader, this.collected());
  }

  checkTransaction(ctx: Requester, view: DataView, steps: readonly TxStep[]): TransactionCheck {
    return checkTransaction({ rules: this.rules, ctx: this.context(ctx), results: this.collected() }, view, steps);
  }

  /** Collect mode: whether every recorded transaction check passed (`all-checks-ok?`). */
  allChecksPassed(): boolean {
    return this.results.every((r) => r['check-pass?'] !== false);
  }

  private collected(): JsonObject[] | undefined {
    return this.options.collect ? this.results : undefined;
  }

  private context(req: Requester): RuleContext {
    return {
      user: (req.user as JsonObject | null) ?? null,
      time: Date.now(),
      ip: req.ip,
      origin: req.origin,
      showCelErrors: this.options.showCelErrors === true,
      rateLimit: (bucket, key, tokens) => {
        const config = this.rules.rateLimitConfig(bucket) ?? null;
        this.rateLimiter.consume({ appId: req.appId, bucket, config, key, tokens });
      },
    };
  }
}

/** A policy for a rules document (`instant.perms.ts`'s default export); invalid rules are `validation-failed`. */
export function createRulesPolicy(rules: unknown, options?: RulesPolicyOptions): RulesPolicy {
  return new RulesPolicy(parseRules(rules), options);
}
