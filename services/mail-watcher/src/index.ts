export { startMailWatcher, watcherOptionsFromConfig, type TMailWatcherHandle, type TMailWatcherTuning } from './start';
export {
  createMailWatcher,
  type TMailWatcher,
  type TMailWatcherOptions,
  type TWatcherStatus,
  type TWatcherState,
} from './watcher/mail-watcher';
export { processMessage, type TProcessOutcome } from './watcher/process-message';
export { classifyGitLabEmail, type TClassification, type TMailRules } from './email/gitlab-email';
export { readMessage, MalformedMessageError, type TMailFacts } from './email/read-message';
export { checkMailbox, ImapCheckError, type TMailboxCheck, type TCheckedMessage } from './check-mailbox';
export { describeImapError, imapSettingsFromConfig, type TImapSettings } from './imap/imap-client';
