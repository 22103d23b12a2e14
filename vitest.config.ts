import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Lets the tests run the relaxed-SIMD build beside the plain one (Node 20 keeps it behind a flag).
    execArgv: ['--experimental-wasm-relaxed-simd'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
