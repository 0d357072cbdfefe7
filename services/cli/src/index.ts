export { startPrivateRedis, type TPrivateRedis } from './private-redis';
export { freePort } from '@cia/logger';
