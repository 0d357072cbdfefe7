import { loadConfig } from '@cia/config';
import { runService } from '@cia/logger';
import { startWorker } from './start';

runService('worker', () => startWorker(loadConfig()));
