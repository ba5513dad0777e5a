// The demo application: prints what it was packed with.
const { readdirSync } = require('node:fs');
const { join } = require('node:path');

const deps = join(__dirname, '..', 'deps', 'generic');
console.log(`demo 1.0.0, packed with: ${readdirSync(deps, { recursive: true }).join(', ')}`);
