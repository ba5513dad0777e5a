/** The registry e2e: packages built, published to a local verdaccio and installed into new workspaces. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'registry-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.spec.ts'],
};
