import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';

/** HTTP_PROXY, HTTPS_PROXY and NO_PROXY as parsed by @cia/config. */
export type TProxyEnv = { HTTP_PROXY?: string; HTTPS_PROXY?: string; NO_PROXY?: string };

export type TDispatcherOptions = {
  /** Most connections kept to one origin: the caller's own concurrency limit. */
  connections: number;
  /** Longest wait for the answer's headers, and for each chunk of its body. */
  timeoutMs: number;
  proxy?: TProxyEnv;
};

/**
 * A pool of kept-alive connections per origin (undici). One per client: GitLab and each AI
 * provider keep their own sockets, sized to their own concurrency limits. With a proxy set, requests
 * go through it except for NO_PROXY hosts, as with curl; without one, no per-request proxy lookup.
 */
export function createKeepAliveDispatcher(options: TDispatcherOptions): Dispatcher {
  const agent = { connections: options.connections, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs };
  const { HTTP_PROXY, HTTPS_PROXY, NO_PROXY } = options.proxy ?? {};
  if (!HTTP_PROXY && !HTTPS_PROXY) return new Agent(agent);
  // Empty strings, not undefined: undici would otherwise read process.env itself.
  return new EnvHttpProxyAgent({ ...agent, httpProxy: HTTP_PROXY ?? '', httpsProxy: HTTPS_PROXY ?? '', noProxy: NO_PROXY ?? '' });
}
