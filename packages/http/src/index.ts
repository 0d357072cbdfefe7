export { createKeepAliveDispatcher, type TDispatcherOptions, type TProxyEnv } from './keep-alive-dispatcher';
export { createUndiciAdapter } from './undici-axios-adapter';
export { createUndiciFetch, type TFetch } from './undici-fetch';
