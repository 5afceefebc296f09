import { clusteredUnitVectors, row } from '../../../../test/support/seeded-vectors';
import { hnswParameters } from './hnsw.graph';
import { HnswLayer } from './hnsw.layer';
import { VectorSlab } from './vector-slab';

const D = 16;
const vectors = clusteredUnitVectors(5000, D, 17, 200);
const vector = (i: number) => row(vectors, i, D);

/** A slab and its layer, changed together as the indexes do. */
function layered(migrationBatch = 8) {
  const slab = new VectorSlab(D);
  const layer = new HnswLayer(slab, hnswParameters(), migrationBatch);
  return {
    slab,
    layer,
    add(id: string, i: number) {
      layer.insert(slab.add(id, vector(i)).slot);
      layer.step();
    },
    remove(id: string) {
      const removal = slab.remove(id);
      if (removal) layer.applyRemoval(removal);
      layer.step();
    },
    /** Share of live vectors the layer finds when queried with the vector itself. */
    selfRecall() {
      let found = 0;
      for (let slot = 0; slot < slab.size; slot++) if (layer.nearest(slab.vectorAt(slot))?.similarity === 1) found++;
      return found / slab.size;
    },
  };
}

describe('HnswLayer', () => {
  it('survives steady add/remove churn (usearch remove is never called) with bounded dead weight', () => {
    const { slab, layer, add, remove, selfRecall } = layered();
    const live = 300;
    for (let i = 0; i < live; i++) add(`k${i}`, i);
    let maxBytes = 0;
    let rebuilds = 0;
    for (let i = live; i < 20_000; i++) {
      const wasRebuilding = layer.rebuilding;
      add(`k${i}`, i % 5000);
      remove(`k${i - live}`);
      if (layer.rebuilding && !wasRebuilding) rebuilds++;
      maxBytes = Math.max(maxBytes, layer.bytes);
    }
    expect(slab.size).toBe(live);
    expect(layer.ready).toBe(true);
    expect(rebuilds).toBeGreaterThan(10);
    // 19 700 removals; the graphs never hold more than a few times the live vectors.
    const perNode = D * 4 + 16 * 16 + 32;
    expect(maxBytes).toBeLessThan((2 * live + 256) * 2 * (perNode + 64));
    expect(selfRecall()).toBeGreaterThanOrEqual(0.99);
  });

  it('keeps every vector reachable while a replacement graph is being filled', () => {
    const { slab, layer, add, remove, selfRecall } = layered(1);
    for (let i = 0; i < 1200; i++) add(`k${i}`, i);
    // Removing most of them leaves dead nodes that outnumber the live ones: a rebuild starts, and
    // with one migration per change it stays in progress for a while.
    for (let i = 0; i < 700; i++) remove(`k${i}`);
    expect(layer.ready).toBe(true);
    expect(layer.rebuilding).toBe(true);
    let checkedWhileRebuilding = 0;
    for (let i = 1200; i < 1300; i++) {
      add(`k${i}`, i);
      if (i % 10 !== 0 || !layer.rebuilding) continue;
      checkedWhileRebuilding++;
      expect(selfRecall()).toBeGreaterThanOrEqual(0.98);
    }
    expect(checkedWhileRebuilding).toBe(10);
    expect(slab.size).toBe(600);
    for (let n = 0; n < 600; n++) layer.step();
    expect(layer.rebuilding).toBe(false);
    expect(selfRecall()).toBeGreaterThanOrEqual(0.98);
  });

  it('is not ready until the graph holds every vector of the slab', () => {
    const slab = new VectorSlab(D);
    for (let i = 0; i < 100; i++) slab.add(`k${i}`, vector(i));
    const layer = new HnswLayer(slab, hnswParameters(), 10);
    expect(layer.ready).toBe(false);
    for (let n = 0; n < 9; n++) layer.step();
    expect(layer.ready).toBe(false);
    layer.step();
    expect(layer.ready).toBe(true);
    expect(layer.nearest(vector(42))).toEqual({ slot: 42, similarity: 1 });
  });
});
