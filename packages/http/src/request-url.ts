import axios, { type InternalAxiosRequestConfig } from 'axios';

/** An axios with no defaults of its own: getUri then merges only the five settings it is given. */
const uriBuilder = new axios.Axios({});

/**
 * The URL axios would request for an (already merged) config: base URL, absolute URLs, params and
 * their serializer, as axios.getUri computes it, without axios.getUri's merge of the default
 * instance's whole config into the one given, which was a tenth of a GitLab request's CPU here.
 */
export function requestUrl(config: InternalAxiosRequestConfig): string {
  const { baseURL, url, params, paramsSerializer, allowAbsoluteUrls } = config;
  return uriBuilder.getUri({ baseURL, url, params, paramsSerializer, allowAbsoluteUrls });
}
