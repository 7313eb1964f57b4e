// The synthetic vectors of bench/vectors.ts: seeded, clustered unit vectors of 384 dimensions, written
// once as raw little-endian float32 rows and read back in slices, so no process holds more than it needs.
// Each vector is a (down-weighted) cluster centroid plus Gaussian noise in a small subspace of its cluster
// plus noise in every direction, then normalised: text embeddings are not uniform on the sphere either,
// and uniform random vectors would make every neighbour almost as far as every other. The weights were
// set so that clusters overlap and neither HNSW nor quantisation finds every neighbour (with well
// separated clusters every engine scored recall 1.0 at 100k).
import { closeSync, openSync, readSync, writeSync } from "node:fs";

export const dimensions = 384;
export const clusters = 1000;
/** Weight of the cluster's unit centroid: at 1 clusters sit apart and every engine finds all neighbours. */
const centroidWeight = 0.5;
/** Dimensions of each cluster's own subspace (its intrinsic dimension, before the isotropic noise). */
export const subspaceDimensions = 32;
/** Standard deviation of the weight of each subspace direction (the directions have norm about 1). */
const subspaceSpread = 0.18;
/** Norm of the isotropic noise, about. */
const isotropicSpread = 0.6;
export const datasetDescription = `${clusters.toLocaleString("en")} clusters; each vector a random unit centroid (weight ${centroidWeight}) plus Gaussian noise in a ${subspaceDimensions}-dimension random subspace of its cluster (weight s.d. ${subspaceSpread}) plus isotropic noise (norm about ${isotropicSpread}), normalised`;

/** xoshiro128** seeded by splitmix32: fast, and the same stream on every machine. */
export function createRandom(seed: number): { uniform(): number; gaussian(): number } {
  let state = seed >>> 0;
  const splitmix = () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = () => {
    const result = Math.imul(rotate(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotate(d, 11);
    return result;
  };
  let spare: number | undefined;
  const uniform = () => (next() + 0.5) / 4294967296;
  return {
    uniform,
    gaussian() {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return value;
      }
      // Box–Muller: two normal draws per pair of uniforms.
      const radius = Math.sqrt(-2 * Math.log(uniform()));
      const angle = 2 * Math.PI * uniform();
      spare = radius * Math.sin(angle);
      return radius * Math.cos(angle);
    },
  };
}

function rotate(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}

function normalise(vector: Float32Array): void {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += (vector[i] as number) ** 2;
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] as number) * scale;
}

/** A source of vectors from one seed: the cluster model is drawn first, then the vectors in order. */
export function createVectorSource(modelSeed: number, streamSeed: number) {
  const model = createRandom(modelSeed);
  const centroids = new Float32Array(clusters * dimensions);
  const bases = new Float32Array(clusters * subspaceDimensions * dimensions);
  for (let i = 0; i < centroids.length; i++) centroids[i] = model.gaussian();
  for (let cluster = 0; cluster < clusters; cluster++) {
    normalise(centroids.subarray(cluster * dimensions, (cluster + 1) * dimensions));
  }
  const directionScale = 1 / Math.sqrt(dimensions);
  for (let i = 0; i < bases.length; i++) bases[i] = model.gaussian() * directionScale;
  const random = createRandom(streamSeed);
  const weights = new Float32Array(subspaceDimensions);
  const isotropicScale = isotropicSpread / Math.sqrt(dimensions);
  return {
    /** Fills `target` (rows of `dimensions`) with the next vectors of the stream. */
    fill(target: Float32Array): void {
      for (let row = 0; row * dimensions < target.length; row++) {
        const vector = target.subarray(row * dimensions, (row + 1) * dimensions);
        const cluster = Math.min(clusters - 1, Math.floor(random.uniform() * clusters));
        vector.set(centroids.subarray(cluster * dimensions, (cluster + 1) * dimensions));
        for (let i = 0; i < dimensions; i++) vector[i] = (vector[i] as number) * centroidWeight;
        for (let j = 0; j < subspaceDimensions; j++) weights[j] = random.gaussian() * subspaceSpread;
        const basis = cluster * subspaceDimensions * dimensions;
        for (let j = 0; j < subspaceDimensions; j++) {
          const weight = weights[j] as number;
          const offset = basis + j * dimensions;
          for (let i = 0; i < dimensions; i++) {
            vector[i] = (vector[i] as number) + weight * (bases[offset + i] as number);
          }
        }
        for (let i = 0; i < dimensions; i++) {
          vector[i] = (vector[i] as number) + random.gaussian() * isotropicScale;
        }
        normalise(vector);
      }
    },
  };
}

/** Writes `count` vectors of the stream to `path`, `batch` rows at a time. */
export function writeVectors(
  path: string,
  modelSeed: number,
  streamSeed: number,
  count: number,
  batch = 10_000,
): void {
  const source = createVectorSource(modelSeed, streamSeed);
  const buffer = new Float32Array(batch * dimensions);
  const file = openSync(path, "w");
  try {
    for (let written = 0; written < count; written += batch) {
      const rows = Math.min(batch, count - written);
      const slice = buffer.subarray(0, rows * dimensions);
      source.fill(slice);
      writeSync(file, new Uint8Array(slice.buffer, 0, slice.byteLength));
    }
  } finally {
    closeSync(file);
  }
}

/** Rows `start` to `start + rows` of a vector file, as one flat array. */
export function readVectors(path: string, start: number, rows: number): Float32Array {
  const vectors = new Float32Array(rows * dimensions);
  const bytes = new Uint8Array(vectors.buffer);
  const file = openSync(path, "r");
  try {
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(file, bytes, read, bytes.length - read, start * dimensions * 4 + read);
      if (n === 0) throw new Error(`${path} ends before row ${start + rows}; delete it to regenerate`);
      read += n;
    }
  } finally {
    closeSync(file);
  }
  return vectors;
}

/** Consecutive slices of the first `count` rows of a vector file, `batch` rows each. */
export function* vectorBatches(
  path: string,
  count: number,
  batch = 10_000,
): Generator<{ start: number; vectors: Float32Array }> {
  for (let start = 0; start < count; start += batch) {
    yield { start, vectors: readVectors(path, start, Math.min(batch, count - start)) };
  }
}
