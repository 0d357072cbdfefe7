import type { AxiosProxyConfig } from 'axios';

/** HTTP_PROXY, HTTPS_PROXY and NO_PROXY as parsed by @cia/config. */
export type TProxyEnv = { HTTP_PROXY?: string; HTTPS_PROXY?: string; NO_PROXY?: string };

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * Whether NO_PROXY lists the host, as curl reads it: `*` for every host, `host` or `host:port`
 * for that host, `.example.org` or `*.example.org` for its subdomains.
 */
export function isNoProxyHost(target: URL, noProxy: string | undefined): boolean {
  const hostname = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = Number(target.port) || DEFAULT_PORTS[target.protocol] || 0;
  for (const entry of (noProxy ?? '').split(/[,\s]+/).filter(Boolean)) {
    if (entry === '*') return true;
    const [, host = entry, entryPort] = /^(.+):(\d+)$/.exec(entry) ?? [];
    if (entryPort && Number(entryPort) !== port) continue;
    const name = host.toLowerCase().replace(/^\[|\]$/g, '');
    if (/^[.*]/.test(name) ? hostname.endsWith(name.replace(/^\*/, '')) : hostname === name) return true;
  }
  return false;
}

/**
 * axios's `proxy` setting for requests to `targetUrl`: HTTPS_PROXY (or HTTP_PROXY) for https,
 * HTTP_PROXY for http, `false` for NO_PROXY hosts or when none is set. Always explicit, so axios
 * never falls back to reading process.env itself: @cia/config is the one reader of settings.
 */
export function axiosProxyFor(targetUrl: string, env: TProxyEnv = {}): AxiosProxyConfig | false {
  const target = new URL(targetUrl);
  const proxyUrl = target.protocol === 'https:' ? (env.HTTPS_PROXY ?? env.HTTP_PROXY) : env.HTTP_PROXY;
  if (!proxyUrl || isNoProxyHost(target, env.NO_PROXY)) return false;
  const proxy = new URL(proxyUrl);
  return {
    protocol: proxy.protocol.replace(/:$/, ''),
    host: proxy.hostname,
    port: Number(proxy.port) || DEFAULT_PORTS[proxy.protocol] || 80,
    ...(proxy.username ? { auth: { username: decodeURIComponent(proxy.username), password: decodeURIComponent(proxy.password) } } : {}),
  };
}
