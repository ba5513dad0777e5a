/**
 * Shared Jest settings of the workspace. ts-jest transpiles only (type checking is `tsc` in
 * `npm test`), which keeps the suite fast; `@hermetic/*` imports resolve to the libs' sources.
 */
const { join } = require('node:path');

module.exports = {
  testEnvironment: 'node',
  // Every temporary of a run in one folder, removed when it passes (tools/jest/temp-root.js); the
  // summary reporter tells the teardown of a failure. Here, so that a single project's run (Nx's
  // `test` targets) has them too; under the root config (`npm test`) that config has the reporters.
  globalSetup: join(__dirname, 'tools/jest/global-setup.js'),
  globalTeardown: join(__dirname, 'tools/jest/global-teardown.js'),
  ...(process.env.HERMETIC_JEST_ROOT ? {} : { reporters: ['default', join(__dirname, 'tools/jest/summary-reporter.js')] }),
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: join(__dirname, 'tsconfig.spec.json') }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@hermetic/core$': join(__dirname, 'libs/core/src/index.ts'),
    '^@hermetic/core/(.*)$': join(__dirname, 'libs/core/src/$1'),
    '^@hermetic/nx$': join(__dirname, 'libs/nx-plugin/src/index.ts'),
    '^@hermetic/fetch-service$': join(__dirname, 'libs/fetch-service/src/index.ts'),
    '^@hermetic/fetch-service/client$': join(__dirname, 'libs/fetch-service/src/client/index.ts'),
  },
};
