import type http from 'node:http';
import type { TFakeProject, TFakeRequest } from './fake-gitlab.types';
import type { TFakeStore } from './fake-store';

/** One API call under `/projects/:id`, the project found: `rest` is the path after it, decoded. */
export type TFakeCall = { req: TFakeRequest; res: http.ServerResponse; project: TFakeProject; rest: string[]; store: TFakeStore };

/** Answers every call of one API area (a 404 for what it does not know). */
export type TFakeRoute = (call: TFakeCall) => void | Promise<void>;
