export { createKeepAliveDispatcher, type TDispatcherOptions } from './keep-alive-dispatcher';
export { createUndiciAdapter } from './undici-axios-adapter';
export { createUndiciFetch, type TFetch } from './undici-fetch';
