import { request } from 'undici';

/** A failed control call, worded as craft-application words them (`Error with fetch-service GET: …`). */
export class FetchServiceError extends Error {}

/** A client of the Fetch Service control API (Canonical's or the embedded one). */
export class FetchServiceClient {
  constructor(
    readonly controlUrl: string,
    private readonly auth: string,
  ) {}

  private async call(method: 'GET' | 'POST' | 'DELETE', path: string, body: unknown, timeoutMs: number): Promise<unknown> {
    let res;
    try {
      res = await request(`${this.controlUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(this.auth).toString('base64')}` },
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new FetchServiceError(`Error with fetch-service ${method}: ${(err as { cause?: Error }).cause?.message ?? (err as Error).message}`);
    }
    const text = await res.body.text();
    if (res.statusCode === 401) {
      throw new FetchServiceError(
        `the Fetch Service at ${this.controlUrl} refused the control credentials (401): give the service and pack the same FETCH_SERVICE_AUTH (user:password), or set neither so both use the service's generated <config>/control-auth, or set pack's fetchServiceAuth option`,
      );
    }
    if (res.statusCode >= 400) throw new FetchServiceError(`Error with fetch-service ${method}: ${res.statusCode} ${text.trim()} (${path})`);
    if (!text.trim()) return {};
    try {
      return JSON.parse(text);
    } catch {
      throw new FetchServiceError(`Error with fetch-service ${method}: the answer of ${path} is not JSON`);
    }
  }

  /** `GET /status`, or undefined when nothing (or not a fetch service) answers. */
  async status(): Promise<{ uptime: number; 'active-sessions'?: Array<{ 'session-id': string }> } | undefined> {
    try {
      const s = (await this.call('GET', '/status', undefined, 2_000)) as { uptime?: number };
      return typeof s.uptime === 'number' ? (s as { uptime: number }) : undefined;
    } catch {
      return undefined;
    }
  }

  createSession(body: Record<string, unknown>): Promise<{ id: string; token: string }> {
    return this.call('POST', '/session', body, 5_000) as Promise<{ id: string; token: string }>;
  }

  revoke(id: string, token: string): Promise<unknown> {
    return this.call('DELETE', `/session/${id}/token`, { token }, 10_000);
  }

  report(id: string): Promise<unknown> {
    return this.call('GET', `/session/${id}`, {}, 30_000);
  }

  finish(id: string): Promise<unknown> {
    return this.call('DELETE', `/session/${id}`, undefined, 10_000);
  }

  deleteResources(id: string): Promise<unknown> {
    return this.call('DELETE', `/resources/${id}`, undefined, 10_000);
  }
}
