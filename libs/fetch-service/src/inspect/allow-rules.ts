import { hostMatches } from '@hermetic/core';
import { compileUrlGlob } from '../url-match';
import { Inspector } from './types';

/**
 * An allow rule: a host pattern (`registry.example.com`, `*.example.com`) or a URL glob
 * (`https://host/path/**`; a missing port means the scheme's default).
 */
export function compileAllowRule(rule: string): (url: URL, canonical: string) => boolean {
  let matcher = matchers.get(rule);
  if (!matcher) {
    matcher = buildMatcher(rule);
    matchers.set(rule, matcher);
  }
  return matcher;
}

const matchers = new Map<string, (url: URL, canonical: string) => boolean>();

function buildMatcher(rule: string): (url: URL, canonical: string) => boolean {
  const urlGlob = compileUrlGlob(rule);
  if (urlGlob) return (url) => urlGlob(url);
  return (url) => hostMatches(rule, url.hostname);
}

/** Requests and responses under the session's allow rules are approved whatever their content. */
export const allowRulesInspector: Inspector = {
  id: 'allow-rules',
  request(req, ctx) {
    const rule = ctx.allow.find((r) => compileAllowRule(r)(req.url, req.canonical));
    return rule ? { opinion: 'Pending', reason: `allowed by rule '${rule}'` } : undefined;
  },
  response(req, _res, ctx) {
    const rule = ctx.allow.find((r) => compileAllowRule(r)(req.url, req.canonical));
    return rule ? { opinion: 'Approved', reason: `allowed by rule '${rule}'` } : undefined;
  },
};
