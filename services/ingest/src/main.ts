import { loadConfig } from '@cia/config';
import { runService } from '@cia/logger';
import { startIngest } from './start';

runService('ingest', () => startIngest(loadConfig()));
