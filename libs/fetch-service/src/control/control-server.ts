import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { rm } from 'node:fs/promises';
import { SessionRegistry, SessionRequestError } from '../sessions/registry';
import { SecretError } from '../sessions/secrets';
import { SETTLE_LIMIT_MS } from '../sessions/session';
import { parseServiceAuth, sameSecret } from '../auth';

export interface ControlOptions {
  registry: SessionRegistry;
  /** `FETCH_SERVICE_AUTH` split at the first `:` (see `parseServiceAuth`). */
  auth: { user: string; password: string };
  startTime: Date;
  log: (line: string) => void;
  /** Called whenever sessions start or end (for idle shutdown). */
  onChange: () => void;
}

export { parseServiceAuth };

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status, { 'content-length': 0 }).end();
  } else if (typeof body === 'string') {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
  } else {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    // Control bodies are small; refuse anything that is not.
    if (size > 16 * 1024 * 1024) throw new SessionRequestError('request body too large');
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SessionRequestError('invalid JSON body');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new SessionRequestError('the body must be a JSON object');
  return value as Record<string, unknown>;
}

/** Whether a request carries the control API's Basic credentials (both parts compared, always, in constant time). */
function authorized(req: IncomingMessage, auth: ControlOptions['auth']): boolean {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const userOk = sameSecret(colon >= 0 ? decoded.slice(0, colon) : decoded, auth.user);
  const passwordOk = sameSecret(colon >= 0 ? decoded.slice(colon + 1) : '', auth.password);
  return colon >= 0 && userOk && passwordOk;
}

/** One endpoint: its handler gets the id captured from the path, if the path has one. */
type Handler = (control: ControlOptions, req: IncomingMessage, res: ServerResponse, id: string) => Promise<void> | void;

function status(control: ControlOptions, req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  const live = control.registry.live();
  send(res, 200, {
    uptime: Math.floor((Date.now() - control.startTime.getTime()) / 1000),
    'start-time': control.startTime.toISOString(),
    'session-count': live.length,
    'active-sessions': live.map((s) => ({
      'session-id': s.id,
      'start-time': s.startTime.toISOString(),
      policy: s.policy,
      age: Math.floor((Date.now() - s.startTime.getTime()) / 1000),
      timeout: s.timeoutS,
    })),
  });
}

/** Revoking is authenticated by the session token in the body (Launchpad sends no Basic auth). */
async function revokeToken(control: ControlOptions, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  const body = await readJson(req);
  const session = control.registry.get(id);
  if (!session) return send(res, 404, 'session not found\n');
  if (typeof body.token !== 'string' || !sameSecret(body.token, session.token)) return send(res, 400, 'invalid session token\n');
  session.revoked = true;
  session.endTime ??= new Date();
  control.log(`revoked token of session ${session.id}`);
  control.onChange();
  send(res, 200, {
    'session-id': session.id,
    'start-time': session.startTime.toISOString(),
    'end-time': session.endTime.toISOString(),
    'spool-path': session.spoolPath,
  });
}

async function createSession(control: ControlOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const session = control.registry.create(await readJson(req));
  control.log(`create ${session.policy} session ${session.id}`);
  control.onChange();
  send(res, 200, { id: session.id, token: session.token });
}

/** The report, once the token is revoked. craft-application sends `{}` with its GET: a body is accepted (and ignored). */
async function sessionReport(control: ControlOptions, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  await readJson(req).catch(() => ({}));
  const session = control.registry.get(id);
  if (!session) return send(res, 404, 'session not found\n');
  if (!session.revoked) return send(res, 400, 'session token is active\n');
  logUnderWay(control, session.id, await session.settled());
  send(res, 200, session.report());
}

/** Says that a report (or a session's end) did not wait for `count` exchanges still transferring. */
function logUnderWay(control: ControlOptions, id: string, count: number): void {
  if (count) control.log(`session ${id}: ${count} exchange(s) still under way after ${SETTLE_LIMIT_MS / 1000} s left out of its report`);
}

async function finishSession(control: ControlOptions, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  await readJson(req).catch(() => ({}));
  const session = control.registry.get(id);
  if (!session) return send(res, 404, 'session not found\n');
  logUnderWay(control, session.id, await control.registry.finish(session));
  control.log(`discarding session ${session.id}`);
  control.onChange();
  send(res, 200);
}

async function deleteResources(control: ControlOptions, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  req.resume();
  const spool = control.registry.finishedSpools.get(id);
  if (!spool) return send(res, control.registry.get(id) ? 400 : 404, control.registry.get(id) ? 'session is not finished\n' : 'session not found\n');
  await rm(spool, { recursive: true, force: true });
  control.registry.finishedSpools.delete(id);
  send(res, 200);
}

/** The endpoints, in matching order; `open` ones need no Basic auth. */
const ROUTES: ReadonlyArray<{ method: string; path: RegExp; open?: true; handle: Handler }> = [
  { method: 'GET', path: /^\/status$/, open: true, handle: status },
  { method: 'DELETE', path: /^\/session\/([^/]+)\/token$/, open: true, handle: revokeToken },
  { method: 'POST', path: /^\/session$/, handle: createSession },
  { method: 'GET', path: /^\/session\/([^/]+)$/, handle: sessionReport },
  { method: 'DELETE', path: /^\/session\/([^/]+)$/, handle: finishSession },
  { method: 'DELETE', path: /^\/resources\/([^/]+)$/, handle: deleteResources },
];

/** Finds the endpoint of a request (Basic auth checked for all but the open ones) and runs it. */
async function route(control: ControlOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://control').pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';
  const match = (open: boolean) => {
    for (const r of ROUTES) {
      const m = !!r.open === open && r.method === method ? r.path.exec(path) : null;
      if (m) return { handle: r.handle, id: m[1] ?? '' };
    }
    return undefined;
  };
  const open = match(true);
  if (open) return open.handle(control, req, res, open.id);
  const endpoint = authorized(req, control.auth) ? match(false) : undefined;
  if (endpoint) return endpoint.handle(control, req, res, endpoint.id);
  req.resume();
  return authorized(req, control.auth) ? send(res, 404, '404 page not found\n') : send(res, 401, '401 Unauthorized\n');
}

/**
 * The control API of the Fetch Service (the Go server's contract): `GET /status` without auth;
 * `POST /session`; `DELETE /session/{id}/token` authenticated by the token itself;
 * `GET /session/{id}` (only once the token is revoked); `DELETE /session/{id}`; `DELETE /resources/{id}`.
 */
export function createControlServer(control: ControlOptions): Server {
  return createServer((req, res) => {
    route(control, req, res).catch((err) => {
      if (err instanceof SessionRequestError || err instanceof SecretError) return send(res, 400, `${err.message}\n`);
      control.log(`ERROR: control ${req.method} ${(req.url ?? '').split('?')[0]}: ${(err as Error).message}`);
      if (!res.headersSent) send(res, 500, 'internal error\n');
    });
  });
}
