export * from './analysis-result.schema';
export * from './analysis.schema';
export * from './jobs.schema';
export * from './api-error.schema';
export * from './gitlab-webhook.schema';
export * from './pipeline-ref';
