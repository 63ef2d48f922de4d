// Shared by the rules loader (src/schema/loadPerms.ts) and the server's rule validation
// (src/server/permissions/rules.ts): the loader reports what the server's validation finds, without
// importing the server.

/** One problem of a rules document. */
export interface RuleIssue {
  message: string;
  /** The rule it is reported under (`["goals", "allow", "view"]`), as Instant reports it. */
  in: string[];
  /** Where the cause is written when it is elsewhere: the bind (`["goals", "bind", "isOwner"]`) a rule uses. */
  at?: string[];
}

/** Validates a rules document (the server's `ruleValidationIssues`, handed to the loader by its caller). */
export type ValidateRules<D> = (rules: D) => RuleIssue[];
