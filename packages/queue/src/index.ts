export { QUEUE_NAMES, type TQueueName } from './queue-names';
export { createRedisConnection, closeRedis, type TConnectionRole } from './connection';
export { reportRedisOutages, isRedisConnectionError, publicRedisUrl, type TOutageLog } from './redis-outage';
export { JOBS, isJobName, type TJobDefinition, type TJobName, type TJobPayload, type TJobQueue, type TJobsOfQueue } from './jobs';
export { enqueue, enqueueMany, type TEnqueueOptions, type TEnqueueRequest, type TQueuesFor } from './enqueue';
export { createJobProcessor, type TJobHandler, type TJobHandlers } from './dispatch';
export { createQueues, type TQueues } from './queues';
export { startHeartbeat, readHeartbeats, type THeartbeat } from './heartbeat';
export { syncDigestScheduler, digestPeriod, DIGEST_SCHEDULER_ID } from './digest-scheduler';
