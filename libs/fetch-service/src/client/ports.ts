/** The control API's port, as craft-application expects the Fetch Service on it. */
export const DEFAULT_CONTROL_PORT = 13555;

/** The proxy's port, as craft-application expects it. */
export const DEFAULT_PROXY_PORT = 13444;
