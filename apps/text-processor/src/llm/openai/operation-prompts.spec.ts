import { LlmUpstreamError } from '../llm-upstream.error';
import { buildMessages, parseReply } from './operation-prompts';

describe('operation prompts', () => {
  describe('buildMessages', () => {
    it('sends a system prompt per operation and the text as the user message', () => {
      const prompts = new Set<string>();
      for (const operation of ['summarize', 'sentiment', 'key_points', 'questions'] as const) {
        const messages = buildMessages({ operation, text: 'Some text.' });
        expect(messages).toEqual([
          { role: 'system', content: expect.any(String) },
          { role: 'user', content: 'Some text.' },
        ]);
        prompts.add(messages[0].content);
      }
      expect(prompts.size).toBe(4);
    });

    it('puts the question next to the text for qa', () => {
      const [, user] = buildMessages({ operation: 'qa', text: 'Redis is fast.', question: 'Is Redis fast?' });
      expect(user.content).toBe('Text:\nRedis is fast.\n\nQuestion: Is Redis fast?');
    });

    it('tells the model the limits given in options', () => {
      expect(buildMessages({ operation: 'summarize', text: 't', options: { max_length: 80 } })[0].content).toContain(
        'at most 80 characters',
      );
      expect(buildMessages({ operation: 'key_points', text: 't', options: { max_points: 5 } })[0].content).toContain('5 most');
      expect(buildMessages({ operation: 'questions', text: 't', options: { count: 2 } })[0].content).toContain('write 2 questions');
    });
  });

  describe('parseReply', () => {
    it('returns summaries and answers as trimmed text', () => {
      expect(parseReply('summarize', '  A summary.\n')).toBe('A summary.');
      expect(parseReply('qa', 'Yes.')).toBe('Yes.');
    });

    it('parses a sentiment, fenced or not, clamping the confidence', () => {
      expect(parseReply('sentiment', '{"sentiment":"positive","confidence":0.9}')).toEqual({
        sentiment: 'positive',
        confidence: 0.9,
      });
      expect(parseReply('sentiment', '```json\n{"sentiment":"Negative","confidence":7}\n```')).toEqual({
        sentiment: 'negative',
        confidence: 1,
      });
      expect(parseReply('sentiment', '{"sentiment":"neutral"}')).toEqual({ sentiment: 'neutral', confidence: 0.5 });
    });

    it.each(['I think it is positive', '{"sentiment":"happy","confidence":1}', '[1,2]'])(
      'rejects the unusable sentiment %s',
      (reply) => {
        expect(() => parseReply('sentiment', reply)).toThrow(LlmUpstreamError);
      },
    );

    it('parses lists from a JSON array, a wrapping object, or bullet lines', () => {
      expect(parseReply('key_points', '["one", " two ", 3]')).toEqual(['one', 'two']);
      expect(parseReply('questions', '{"questions": ["Why?", "How?"]}')).toEqual(['Why?', 'How?']);
      expect(parseReply('key_points', '- first\n* second\n2. third\n\n')).toEqual(['first', 'second', 'third']);
    });

    it('rejects an empty reply and an empty list', () => {
      expect(() => parseReply('summarize', '   ')).toThrow('empty reply');
      expect(() => parseReply('questions', '[]')).toThrow('unusable list');
    });
  });
});
