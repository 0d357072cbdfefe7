import { analyzeOffline } from '../offline-analysis';
import type { TProvider } from './provider.types';

/** The knowledge base as a provider: no network, no tokens, the same validation as a model's answer. */
export function createOfflineProvider(): TProvider {
  return {
    name: 'offline',
    model: 'rules',
    async complete(request) {
      const { answer, detail } = analyzeOffline(request.input.failed_jobs, request.ruleMatches, request.excerpts);
      return { text: JSON.stringify(answer), inputTokens: 0, outputTokens: 0, model: 'rules', source: { kind: 'rules', detail } };
    },
  };
}
