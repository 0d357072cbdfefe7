import { axiosProxyFor, isNoProxyHost } from './outgoing-proxy';

describe('isNoProxyHost', () => {
  const listed = (url: string, noProxy: string) => isNoProxyHost(new URL(url), noProxy);

  it('matches a host exactly, any port unless the entry names one', () => {
    expect(listed('https://gitlab.internal/api', 'example.org,gitlab.internal')).toBe(true);
    expect(listed('https://gitlab.internal.evil.com/api', 'gitlab.internal')).toBe(false);
    expect(listed('https://gitlab.internal:8443/api', 'gitlab.internal:8443')).toBe(true);
    expect(listed('https://gitlab.internal/api', 'gitlab.internal:8443')).toBe(false);
    expect(listed('http://gitlab.internal/api', 'gitlab.internal:80')).toBe(true);
  });

  it('matches subdomains for entries starting with a dot or *., and every host for *', () => {
    expect(listed('https://a.corp.example/', '.corp.example')).toBe(true);
    expect(listed('https://a.corp.example/', '*.corp.example')).toBe(true);
    expect(listed('https://corp.example.org/', '.corp.example')).toBe(false);
    expect(listed('https://anything.example/', ' * ')).toBe(true);
  });

  it('compares host names without case and IPv6 literals without brackets', () => {
    expect(listed('https://GitLab.Internal/', 'gitlab.INTERNAL')).toBe(true);
    expect(listed('http://[::1]:8080/', '[::1]:8080')).toBe(true);
  });
});

describe('axiosProxyFor', () => {
  it('is false without a proxy setting, so axios never reads process.env itself', () => {
    expect(axiosProxyFor('https://gitlab.com', {})).toBe(false);
    expect(axiosProxyFor('http://gitlab.internal', { HTTPS_PROXY: 'http://proxy:3128' })).toBe(false);
  });

  it('takes HTTPS_PROXY for https (HTTP_PROXY when unset) and HTTP_PROXY for http', () => {
    const env = { HTTP_PROXY: 'http://plain:3128', HTTPS_PROXY: 'https://secure.proxy' };
    expect(axiosProxyFor('https://gitlab.com', env)).toEqual({ protocol: 'https', host: 'secure.proxy', port: 443 });
    expect(axiosProxyFor('http://gitlab.internal', env)).toEqual({ protocol: 'http', host: 'plain', port: 3128 });
    expect(axiosProxyFor('https://gitlab.com', { HTTP_PROXY: 'http://plain' })).toEqual({ protocol: 'http', host: 'plain', port: 80 });
  });

  it('passes the proxy credentials decoded, and skips NO_PROXY hosts', () => {
    expect(axiosProxyFor('https://gitlab.com', { HTTPS_PROXY: 'http://us%40r:p%3Ass@proxy:3128' })).toMatchObject({
      auth: { username: 'us@r', password: 'p:ss' },
    });
    expect(axiosProxyFor('https://gitlab.com', { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'gitlab.com' })).toBe(false);
  });
});
