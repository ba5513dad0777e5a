/** Jest's global setup: see temp-root.js. */
module.exports = () => require('./temp-root').setup();
