/** `scheme://host:port/path?query` with the port always explicit, as the report records URLs. */
export function canonicalUrl(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.protocol}//${url.hostname}:${port}${url.pathname}${url.search}`;
}

/** The report's spelling: HTTPS with an explicit port, HTTP without its default one. */
export function reportedUrl(url: URL): string {
  if (url.protocol === 'https:') return canonicalUrl(url);
  return `${url.protocol}//${url.host}${url.pathname}${url.search}`;
}
