import { EnvHttpProxyAgent, type Dispatcher } from 'undici';

export type TDispatcherOptions = {
  /** Most connections kept to one origin: the caller's own concurrency limit. */
  connections: number;
  /** Longest wait for the answer's headers, and for each chunk of its body. */
  timeoutMs: number;
};

/**
 * A connection pool per origin (undici), with keep-alive. It honours HTTP_PROXY, HTTPS_PROXY and
 * NO_PROXY as axios and curl do. One per client: GitLab and each AI provider keep their own
 * sockets, sized to their own concurrency limits.
 */
export function createKeepAliveDispatcher(options: TDispatcherOptions): Dispatcher {
  return new EnvHttpProxyAgent({
    connections: options.connections,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
}
