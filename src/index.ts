// Programmatic API: what the CLI does, for build tools and tests.
export { generate, type GenerateOptions, type GenerateResult } from './generate.js';
export { loadSchema, type LoadedSchema } from './schema/loadSchema.js';
export { SchemaError } from './ir/SchemaError.js';
export type { Options } from './config/options.js';
export type * from './ir/types.js';
