import { z } from 'zod';

/**
 * The options, as zod sees them: what explains a config that `plainOptions` (options.ts) does not accept.
 * Loaded only then, so that a run with a valid config (and nothing to do) never loads zod.
 */
export const OptionsSchema = z
  .object({
    schema: z.string().min(1).optional().describe('path of instant.schema.ts'),
    out: z.string().min(1).optional().describe('output folder'),
    validation: z.boolean().optional().describe('validate queries and transactions before sending (the client default)'),
    output: z.enum(['ts', 'dts']).optional().describe('"dts" (default): .js files with .d.ts types; "ts": .ts files'),
    dates: z.enum(['stored', 'date']).optional().describe('"stored": dates as the server returns them; "date": Date objects'),
    prettier: z.enum(['fixed', 'project']).optional().describe('"fixed": the tool\'s own config; "project": the config prettier finds for the output folder'),
    testing: z.boolean().optional().describe('also write testing.ts: createTestApp and typed factories (imports instant-codegen/testing, ESM only)'),
  })
  .strict();
