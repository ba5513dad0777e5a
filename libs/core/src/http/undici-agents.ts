/* eslint-disable @typescript-eslint/no-require-imports -- deep requires of undici's modules (see below) */
import type * as Undici from 'undici';

/**
 * undici's two dispatchers that downloads use, loaded without undici's index. The index also loads
 * fetch, WebSocket, EventSource, the caches and the mocks: ~8 MiB of peak memory and ~20 ms of
 * start-up in every fetch, for nothing Hermetic calls. The index does one more thing, which is
 * done here too: it gives every dispatcher its `request`/`stream`/... methods (lib/api). undici is
 * an exact dependency of this package, so these paths are the ones it was tested with.
 */
const Dispatcher = require('undici/lib/dispatcher/dispatcher') as typeof Undici.Dispatcher;
Object.assign(Dispatcher.prototype, require('undici/lib/api'));

export const Agent = require('undici/lib/dispatcher/agent') as typeof Undici.Agent;
export const EnvHttpProxyAgent = require('undici/lib/dispatcher/env-http-proxy-agent') as typeof Undici.EnvHttpProxyAgent;
