#!/usr/bin/env node
/** The `hermetic-fetch-service` command: runs the service until a signal or idle shutdown. */
import { main } from './cli';

main(process.argv.slice(2)).then((code) => process.exit(code));
