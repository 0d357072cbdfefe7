import { buildSampleAnswer } from './testing';
import { parseAnswer } from './parse-answer';

test('a JSON answer wrapped in a markdown fence and prose is accepted', () => {
  const text = `Here is the analysis:\n\`\`\`json\n${JSON.stringify(buildSampleAnswer([1]))}\n\`\`\`\nHope it helps.`;
  expect(parseAnswer(text)).toEqual({ ok: true, answer: buildSampleAnswer([1]) });
});

test('a percentage confidence and upper-case enums are normalised without another call', () => {
  const raw = { ...buildSampleAnswer([1]), confidence: 85, category: 'Build', severity: 'HIGH' };
  const parsed = parseAnswer(JSON.stringify(raw));
  expect(parsed.ok && parsed.answer.confidence).toBe(0.85);
  expect(parsed.ok && parsed.answer.category).toBe('build');
});

test('what is wrong is described for the repair call', () => {
  expect(parseAnswer('OK')).toEqual({ ok: false, problem: expect.stringContaining('not a JSON object') });
  const wrong = parseAnswer(JSON.stringify({ ...buildSampleAnswer([1]), category: 'compiler' }));
  expect(wrong).toEqual({ ok: false, problem: expect.stringContaining('category') });
});
