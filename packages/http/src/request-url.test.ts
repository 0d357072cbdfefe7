import axios, { type InternalAxiosRequestConfig } from 'axios';
import { requestUrl } from './request-url';

/** The merged configs axios hands its adapter, for requests through an instance with these defaults. */
async function adapterConfigs(defaults: Parameters<typeof axios.create>[0], requests: Parameters<typeof axios.request>[0][]): Promise<InternalAxiosRequestConfig[]> {
  const seen: InternalAxiosRequestConfig[] = [];
  const instance = axios.create({
    ...defaults,
    adapter: async (config) => {
      seen.push(config);
      return { data: null, status: 200, statusText: 'OK', headers: {}, config };
    },
  });
  for (const r of requests) await instance.request(r);
  return seen;
}

describe('requestUrl', () => {
  const requests = [
    { url: '/projects/1/jobs/2/trace' },
    { url: 'projects/1/repository/files/.gitlab-ci.yml/raw', params: { ref: 'bcbb5ec3' } },
    { url: '/projects/gitlab-org%2Fgitlab/pipelines', params: { per_page: 100, page: '2', scope: ['failed', 'success'], since: new Date(0), skip: undefined, none: null } },
    { url: '/search', params: { q: 'a b:c$d,e&f=g/é' } },
    { url: 'http://other.example/x', params: new URLSearchParams({ a: '1' }) },
    { url: '/serialized', params: { a: 1 }, paramsSerializer: { serialize: () => 'custom=1' } },
    { url: '/with?query=1#hash', params: { b: 2 } },
  ];

  it('is the URL axios.getUri gives for every config an adapter receives', async () => {
    const configs = await adapterConfigs({ baseURL: 'https://gitlab.example.com/api/v4/', params: { fixed: 'yes' } }, requests);
    expect(configs).toHaveLength(requests.length);
    for (const config of configs) expect(requestUrl(config)).toBe(axios.getUri(config));
    expect(requestUrl(configs[1]!)).toBe('https://gitlab.example.com/api/v4/projects/1/repository/files/.gitlab-ci.yml/raw?fixed=yes&ref=bcbb5ec3');
  });

  it('keeps absolute URLs as they are unless the instance forbids them', async () => {
    const [allowed] = await adapterConfigs({ baseURL: 'https://gitlab.example.com/api/v4' }, [{ url: 'https://objects.example.com/trace' }]);
    const [forbidden] = await adapterConfigs({ baseURL: 'https://gitlab.example.com/api/v4', allowAbsoluteUrls: false }, [{ url: 'https://objects.example.com/trace' }]);
    expect(requestUrl(allowed!)).toBe('https://objects.example.com/trace');
    expect(requestUrl(forbidden!)).toBe(axios.getUri(forbidden!));
    expect(requestUrl(forbidden!)).not.toBe('https://objects.example.com/trace');
  });
});
