// Permission rules (semantics.md §5): Instant's rules documents evaluated with CEL (@bufbuild/cel).
//   rules.ts              the document: program lookup, binds, built-in rules, validation
//   cel.ts, celCheck.ts   CEL environment, compilation (with compile-time checks) and its cache
//   context.ts            what rules see: data/auth/ruleParams maps, ref(), request
//   evaluate.ts           one program for one check
//   queryFilter.ts        queries: view and field rules
//   transactionChecker.ts transactions: update/delete/link checks before writing, create checks after
//   systemColumns.ts      system namespaces non-admins can't write
//   policy.ts             the PermissionPolicy tying them together

export { createRulesPolicy, RulesPolicy, type RulesPolicyOptions } from './policy.js';
export { parseRules, ruleValidationIssues, RuleSet, type RuleIssue, type RulesDocument } from './rules.js';
