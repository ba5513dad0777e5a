import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { rm } from 'node:fs/promises';
import { SessionRegistry, SessionRequestError } from '../sessions/registry';
import { SecretError } from '../sessions/secrets';
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

/**
 * The control API of the Fetch Service (the Go server's contract): `GET /status` without auth;
 * `POST /session`; `DELETE /session/{id}/token` authenticated by the token itself;
 * `GET /session/{id}` (only once the token is revoked); `DELETE /session/{id}`; `DELETE /resources/{id}`.
 */
export function createControlServer(o: ControlOptions): Server {
  const authorized = (req: IncomingMessage) => {
    const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return false;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // Both parts compared, always, in constant time.
    const userOk = sameSecret(colon >= 0 ? decoded.slice(0, colon) : decoded, o.auth.user);
    const passwordOk = sameSecret(colon >= 0 ? decoded.slice(colon + 1) : '', o.auth.password);
    return colon >= 0 && userOk && passwordOk;
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://control').pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const parts = path.split('/').filter(Boolean);

    if (method === 'GET' && path === '/status') {
      req.resume();
      const live = o.registry.live();
      return send(res, 200, {
        uptime: Math.floor((Date.now() - o.startTime.getTime()) / 1000),
        'start-time': o.startTime.toISOString(),
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

    // Revoking is authenticated by the session token in the body (Launchpad sends no Basic auth).
    if (method === 'DELETE' && parts.length === 3 && parts[0] === 'session' && parts[2] === 'token') {
      const body = await readJson(req);
      const session = o.registry.get(parts[1]);
      if (!session) return send(res, 404, 'session not found\n');
      if (typeof body.token !== 'string' || !sameSecret(body.token, session.token)) return send(res, 400, 'invalid session token\n');
      session.revoked = true;
      session.endTime ??= new Date();
      o.log(`revoked token of session ${session.id}`);
      o.onChange();
      return send(res, 200, {
        'session-id': session.id,
        'start-time': session.startTime.toISOString(),
        'end-time': session.endTime.toISOString(),
        'spool-path': session.spoolPath,
      });
    }

    if (!authorized(req)) {
      req.resume();
      return send(res, 401, '401 Unauthorized\n');
    }

    if (method === 'POST' && path === '/session') {
      const session = o.registry.create(await readJson(req));
      o.log(`create ${session.policy} session ${session.id}`);
      o.onChange();
      return send(res, 200, { id: session.id, token: session.token });
    }

    if (parts.length === 2 && parts[0] === 'session') {
      // craft-application sends `{}` with its GET: accept (and ignore) a body.
      await readJson(req).catch(() => ({}));
      const session = o.registry.get(parts[1]);
      if (!session) return send(res, 404, 'session not found\n');
      if (method === 'GET') {
        if (!session.revoked) return send(res, 400, 'session token is active\n');
        return send(res, 200, session.report());
      }
      if (method === 'DELETE') {
        await o.registry.finish(session);
        o.log(`discarding session ${session.id}`);
        o.onChange();
        return send(res, 200);
      }
    }

    if (method === 'DELETE' && parts.length === 2 && parts[0] === 'resources') {
      req.resume();
      const spool = o.registry.finishedSpools.get(parts[1]);
      if (!spool) return send(res, o.registry.get(parts[1]) ? 400 : 404, o.registry.get(parts[1]) ? 'session is not finished\n' : 'session not found\n');
      await rm(spool, { recursive: true, force: true });
      o.registry.finishedSpools.delete(parts[1]);
      return send(res, 200);
    }

    req.resume();
    return send(res, 404, '404 page not found\n');
  };

  return createServer((req, res) => {
    route(req, res).catch((err) => {
      if (err instanceof SessionRequestError || err instanceof SecretError) return send(res, 400, `${err.message}\n`);
      o.log(`ERROR: control ${req.method} ${(req.url ?? '').split('?')[0]}: ${(err as Error).message}`);
      if (!res.headersSent) send(res, 500, 'internal error\n');
    });
  });
}
