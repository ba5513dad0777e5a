/** Runs every project's Jest config; `npm test` is the one command CI and the README use. */
module.exports = {
  projects: ['<rootDir>/libs/*/jest.config.js', '<rootDir>/tools/jest.config.js', '<rootDir>/libs/*/jest.e2e.config.js', '<rootDir>/e2e/*/jest.config.js'],
  reporters: ['default', '<rootDir>/tools/jest/summary-reporter.js'],
  // Every temporary of the run in one folder, removed at the end (tools/jest/temp-root.js).
  globalSetup: '<rootDir>/tools/jest/global-setup.js',
  globalTeardown: '<rootDir>/tools/jest/global-teardown.js',
};
