import { z } from 'zod';

/** Everything that shapes the output; validated the same way from a config file, package.json or flags. */
export const OptionsSchema = z
  .object({
    schema: z.string().min(1).optional().describe('path of instant.schema.ts'),
    out: z.string().min(1).optional().describe('output folder'),
    validation: z.boolean().optional().describe('validate queries and transactions before sending (the client default)'),
    output: z.enum(['ts', 'dts']).optional().describe('"dts" (default): .js files with .d.ts types; "ts": .ts files'),
    dates: z.enum(['stored', 'date']).optional().describe('"stored": dates as the server returns them; "date": Date objects'),
    prettier: z.enum(['fixed', 'project']).optional().describe('"fixed": the tool\'s own config; "project": the config prettier finds for the output folder'),
  })
  .strict();

export type Options = z.infer<typeof OptionsSchema>;

/** Options after defaults: what the emitters and the input hash see. */
export interface EmitSettings {
  validation: boolean;
  output: 'ts' | 'dts';
  dates: 'stored' | 'date';
  prettier: 'fixed' | 'project';
}

export function settingsOf(options: Options): EmitSettings {
  return {
    validation: options.validation ?? true,
    output: options.output ?? 'dts',
    dates: options.dates ?? 'stored',
    prettier: options.prettier ?? 'fixed',
  };
}
