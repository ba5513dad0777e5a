/** Unit specs of the plugin (fast: `nx test nx-plugin`); the real-nx e2e is its own project. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'nx-plugin',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
