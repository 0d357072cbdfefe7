export { startMailWatcher, type TMailWatcherHandle } from './start';
