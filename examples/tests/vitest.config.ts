// `npx vitest run --config examples/tests/vitest.config.ts`: the example tests only.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['examples/tests/*.vitest.test.ts'] },
});
