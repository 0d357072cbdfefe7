export { QUEUE_NAMES, type TQueueName } from './queue-names';
export { createRedisConnection, closeRedis, type TConnectionRole } from './connection';
export { reportRedisOutages, isRedisConnectionError, publicRedisUrl, type TOutageLog } from './redis-outage';
export { ANALYZE_PIPELINE_JOB } from './analyze-pipeline.job';
export { createQueues, enqueueAnalyzePipeline, enqueueAnalyzePipelines, type TQueues, type TAnalyzeJobRequest } from './queues';
export { startHeartbeat, readHeartbeats, type THeartbeat } from './heartbeat';
export {
  POST_ANALYSIS_JOB,
  PIPELINE_FIXED_JOB,
  POSTBACK_CHANNELS,
  ZPostAnalysisPayload,
  ZPipelineFixedPayload,
  enqueuePostAnalysis,
  enqueuePipelineFixed,
  type TPostbackChannel,
  type TPostAnalysisPayload,
  type TPipelineFixedPayload,
} from './post-analysis.job';
