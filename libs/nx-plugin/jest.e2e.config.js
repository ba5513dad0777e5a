/** The plugin's e2e: real `nx` runs in temporary workspaces (`nx run nx-plugin:e2e`). */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'nx-plugin-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/e2e/**/*.spec.ts'],
};
