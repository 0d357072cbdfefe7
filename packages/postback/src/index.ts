export { pickPostbackSettings, pickChannels, resultsPageUrl, linkPolicyOf, type TPostbackSettings } from './postback.settings';
export { renderFailureNote, renderFixedNote, renderAnalysisSections, NOTE_MAX_CHARS, type TNoteInput, type TNoteJob } from './render-note';
export { noteMarker, targetKey, withMarker, hasMarker, slackTargetKey, type TNoteTarget } from './note-marker';
export { resolveNoteTarget, pipelineMergeRequests, confirmPipeline, type TConfirmedPipeline } from './note-target';
export { confirmProject, checkPostPermission, type TConfirmedProject, type TPostPermission } from './project-lookup';
export { postAnalysisNote, markNoteFixed, NoteBusyError, type TNoteDeps, type TNoteOutcome } from './post-note';
export { deliverAnalysis, PostbackSkipError, type TPostbackDeps } from './deliver-analysis';
export { enqueuePostbackJobs } from './enqueue-postback';
export { buildSlackMessage, sendSlackNotification } from './slack.notifier';
export { buildWebhookPayload, sendWebhookNotification, WEBHOOK_EVENT } from './webhook.notifier';
export { signBody, verifySignature, SIGNATURE_HEADER } from './signature';
export { NotifyError } from './http-post';
export { pickIncidentNoticeChannels, incidentPageUrl } from './postback.settings';
export {
  deliverIncidentDigest,
  deliverNewIncident,
  enqueueDigestPosts,
  enqueueNewIncidentNotices,
  gatherDigest,
  type TIncidentNoticeDeps,
} from './deliver-incident-notice';
export { buildSlackDigest, buildSlackNewIncident } from './incident-notice';
