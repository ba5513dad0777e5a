/** Jest's global teardown: see temp-root.js. */
module.exports = () => require('./temp-root').teardown();
