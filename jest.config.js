/** Runs every project's Jest config; `npm test` is the one command CI and the README use. */
// Read by jest.preset.js, whose projects are configured in this same process after this file:
// reporters belong here then (a project's own are refused with a warning per project).
process.env.HERMETIC_JEST_ROOT = '1';

module.exports = {
  projects: ['<rootDir>/libs/*/jest.config.js', '<rootDir>/tools/jest.config.js', '<rootDir>/libs/*/jest.e2e.config.js', '<rootDir>/e2e/*/jest.config.js'],
  // The projects' global set-up and teardown (jest.preset.js) run here too, once per project.
  reporters: ['default', '<rootDir>/tools/jest/summary-reporter.js'],
};
