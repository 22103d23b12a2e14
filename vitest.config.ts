import { defineConfig } from 'vitest/config';
import type { Reporter, TestModule } from 'vitest/node';

/** Ends the run with one plain line, "tests: N passed, N failed, N skipped", for CI logs. */
const summary: Reporter = {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const count = (state: 'passed' | 'failed' | 'skipped') =>
      modules.reduce((n, m) => n + [...m.children.allTests(state)].length, 0);
    const failedModules = modules.filter((m) => m.state() === 'failed' && [...m.children.allTests('failed')].length === 0).length;
    process.stdout.write(`tests: ${count('passed')} passed, ${count('failed') + failedModules} failed, ${count('skipped')} skipped\n`);
  },
};

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Lets the tests run the relaxed-SIMD build beside the plain one (Node 20 keeps it behind a flag).
    execArgv: ['--experimental-wasm-relaxed-simd'],
    reporters: ['default', summary],
    testTimeout: 60_000,
    // One test file at a time: the two-thread tests need the second core for the worker thread (with
    // another file running beside them the caller rightly computes every block itself, and the tests
    // that check the worker took part could not tell a split product from an unsplit one).
    fileParallelism: false,
    hookTimeout: 60_000,
  },
});
