import { EmbeddingBatcher } from './embedding.batcher';

const vectorOf = (text: string) => Float32Array.of(text.length, text.charCodeAt(0));

describe('EmbeddingBatcher', () => {
  it('sends the texts of one event-loop turn in one request and maps each result back', async () => {
    const requests: string[][] = [];
    const batcher = new EmbeddingBatcher(async (texts) => (requests.push(texts), texts.map(vectorOf)), 64, 0);
    const results = await Promise.all(['a', 'bb', 'ccc'].map((text) => batcher.embed(text)));
    expect(requests).toEqual([['a', 'bb', 'ccc']]);
    expect(results).toEqual(['a', 'bb', 'ccc'].map(vectorOf));
    await batcher.embed('dddd');
    expect(requests).toEqual([['a', 'bb', 'ccc'], ['dddd']]);
  });

  it('never puts more than maxBatchSize texts in one request', async () => {
    const requests: string[][] = [];
    const batcher = new EmbeddingBatcher(async (texts) => (requests.push(texts), texts.map(vectorOf)), 2, 0);
    const texts = ['a', 'b', 'c', 'd', 'e'];
    expect(await Promise.all(texts.map((text) => batcher.embed(text)))).toEqual(texts.map(vectorOf));
    expect(requests).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('waits batchDelayMs for more texts when asked to', async () => {
    const requests: string[][] = [];
    const batcher = new EmbeddingBatcher(async (texts) => (requests.push(texts), texts.map(vectorOf)), 64, 30);
    const first = batcher.embed('a');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = batcher.embed('b');
    await Promise.all([first, second]);
    expect(requests).toEqual([['a', 'b']]);
  });

  it('rejects every caller of a failed batch with its error, thrown or rejected', async () => {
    const failing = new EmbeddingBatcher(async () => Promise.reject(new Error('HTTP 500')), 64, 0);
    const outcomes = await Promise.allSettled([failing.embed('a'), failing.embed('b')]);
    expect(outcomes.map((o) => (o as PromiseRejectedResult).reason.message)).toEqual(['HTTP 500', 'HTTP 500']);
    const throwing = new EmbeddingBatcher(() => {
      throw new Error('sync');
    }, 64, 0);
    await expect(throwing.embed('a')).rejects.toThrow('sync');
  });
});
