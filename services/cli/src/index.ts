export { startPrivateRedis, type TPrivateRedis } from './private-redis';
