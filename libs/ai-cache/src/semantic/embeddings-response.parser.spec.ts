import { EmbeddingError } from './embedding.types';
import { parseEmbeddingsResponse } from './embeddings-response.parser';

const where = 'embedding request to http://x/v1/embeddings';
const parse = (body: unknown, inputs = 2, dimensions?: number) => parseEmbeddingsResponse(body, inputs, dimensions, where);

describe('parseEmbeddingsResponse', () => {
  it('maps embeddings back to their inputs by index', () => {
    const vectors = parse({ data: [{ index: 1, embedding: [3, 4] }, { index: 0, embedding: [1, 2] }] });
    expect(vectors.map((v) => Array.from(v))).toEqual([[1, 2], [3, 4]]);
    expect(vectors[0]).toBeInstanceOf(Float32Array);
  });

  it('takes array order when no embedding carries an index', () => {
    expect(parse({ data: [{ embedding: [1, 2] }, { embedding: [3, 4] }] }).map((v) => Array.from(v))).toEqual([[1, 2], [3, 4]]);
  });

  it('reads base64 float32 embeddings', () => {
    const base64 = Buffer.from(Float32Array.of(0.5, -2).buffer).toString('base64');
    expect(Array.from(parse({ data: [{ index: 0, embedding: base64 }] }, 1)[0])).toEqual([0.5, -2]);
  });

  it('rejects every malformed answer with a clear EmbeddingError', () => {
    const cases: Array<[unknown, string, number?, number?]> = [
      [null, 'returned no `data` array'],
      [{ data: 'x' }, 'returned no `data` array'],
      [{ data: [{ index: 0, embedding: [1] }] }, 'returned 1 embeddings for 2 inputs'],
      [{ data: [{ index: 0, embedding: [1] }, { embedding: [2] }] }, 'returned an `index` for some embeddings only'],
      [{ data: [{ index: 0, embedding: [1] }, { index: 0, embedding: [2] }] }, 'missing, repeated or out-of-range `index` (0)'],
      [{ data: [{ index: 0, embedding: [1] }, { index: 2, embedding: [2] }] }, 'out-of-range `index` (2)'],
      [{ data: [{ index: '0', embedding: [1] }, { index: 1, embedding: [2] }] }, 'out-of-range `index` (0)'],
      [{ data: [{ index: 0, embedding: [1, 2] }, { index: 1, embedding: [3] }] }, 'embedding 1 with 1 dimensions, expected 2'],
      [{ data: [{ index: 0, embedding: [1, 2] }, { index: 1, embedding: [3, 4] }] }, 'embedding 0 with 2 dimensions, expected 3', 2, 3],
      [{ data: [{ index: 0, embedding: [1, null] }, { index: 1, embedding: [3, 4] }] }, 'embedding 0 with a value that is not a number at 1'],
      [{ data: [{ index: 0, embedding: [1, Number.NaN] }] }, 'embedding 0 with a non-finite value at 1', 1],
      [{ data: [{ index: 0, embedding: [1, 1e39] }] }, 'embedding 0 with a non-finite value at 1', 1],
      [{ data: [{ index: 0, embedding: [] }] }, 'embedding 0 with 0 dimensions', 1],
      [{ data: [{ index: 0, embedding: { a: 1 } }] }, 'embedding 0 that is neither a list of numbers nor base64', 1],
      [{ data: [{ index: 0, embedding: 'AAA' }] }, 'embedding 0 as base64 that is not float32 data', 1],
      [{ data: [{ index: 0, embedding: Buffer.from(Float32Array.of(Infinity).buffer).toString('base64') }] }, 'non-finite value at 0', 1],
    ];
    for (const [body, message, inputs, dimensions] of cases) {
      let error: unknown;
      try {
        parse(body, inputs ?? 2, dimensions);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(EmbeddingError);
      expect((error as Error).message.startsWith(`${where} returned `)).toBe(true);
      expect((error as Error).message).toContain(message);
    }
  });
});
