import { loadConfig } from '@cia/config';
import { runService } from '@cia/logger';
import { startMailWatcher } from './start';

runService('mail-watcher', () => startMailWatcher(loadConfig()));
