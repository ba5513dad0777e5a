/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, after Jest's own summary,
 * so log readers that do not know Jest's format still see the counts.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    // Read by the global teardown (temp-root.js), which runs after this: a failed run keeps its temporaries.
    if (failed) process.env.HERMETIC_TESTS_FAILED = '1';
    process.stdout.write(`\ntests: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

module.exports = SummaryReporter;
