export { freePort, startPrivateRedis, type TPrivateRedis } from './private-redis';
