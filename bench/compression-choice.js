#!/usr/bin/env node
/**
 * Why the codec deflates (raw) instead of using brotli: we pay compression on every write of a hot
 * path, so brotli would have to win clearly on both speed and size. This measures both, at their
 * default settings (deflate level 6, brotli quality 11) and at the settings that make them
 * comparable (deflate 1, brotli 4/5), on English-like text of ~10 KB and ~100 KB.
 *
 *     node bench/compression-choice.js
 *
 * Plain CommonJS so it runs without ts-node. The text is generated from a fixed seed: sentences of
 * common English words, so that results are repeatable across machines and runs.
 */
'use strict';

const zlib = require('node:zlib');

const WORDS = (
  'the of and to in is that it was for on are as with his they at be this from have or by one had not but what all ' +
  'were when we there can an your which their said if do will each about how up out them then she many some so these ' +
  'would other into has more her two like him see time could no make than first been its who now people my made over ' +
  'did down only way find use may water long little very after words called just where most know get through back ' +
  'much before go good new write our used me man too any day same right look think also around another came come work ' +
  'three word must because does part even place well such here take why things help put years different away again ' +
  'off went old number great tell men say small every found still between name should home big give air line set own ' +
  'under read last never us left end along while might next sound below saw something thought both few those always ' +
  'looked show large often together asked house world going want school important until form food keep children ' +
  'feet land side without boy once animals life enough took sometimes four head above kind began almost live page ' +
  'model response summary analysis customer service quality product delivery market report results data system'
).split(' ');

/** Park-Miller LCG: deterministic, good enough to pick words. */
function randomFrom(seed) {
  let state = seed;
  return (below) => {
    state = (state * 16807) % 2147483647;
    return state % below;
  };
}

function englishLikeText(bytes, seed) {
  const random = randomFrom(seed);
  const sentences = [];
  let length = 0;
  while (length < bytes) {
    const count = 6 + random(15);
    const words = [];
    for (let i = 0; i < count; i++) words.push(WORDS[random(WORDS.length)]);
    if (random(4) === 0) words.splice(1 + random(count - 1), 0, `${words.pop()},`);
    let sentence = words.join(' ');
    sentence = sentence[0].toUpperCase() + sentence.slice(1) + (random(10) === 0 ? '?' : '.');
    sentences.push(sentence);
    length += sentence.length + 1;
    if (random(6) === 0) sentences.push('\n\n');
  }
  return Buffer.from(sentences.join(' ').slice(0, bytes), 'utf8');
}

/** Runs fn repeatedly for at least minMs and returns the mean milliseconds per call. */
function timePerCall(fn, minMs = 400) {
  for (let i = 0; i < 20; i++) fn(); // warm up
  let calls = 0;
  const started = process.hrtime.bigint();
  let elapsedMs = 0;
  do {
    for (let i = 0; i < 10; i++) fn();
    calls += 10;
    elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  } while (elapsedMs < minMs);
  return elapsedMs / calls;
}

const brotli = (quality) => ({
  name: quality === undefined ? 'brotli (default q11)' : `brotli q${quality}`,
  compress: (input) =>
    zlib.brotliCompressSync(input, quality === undefined ? {} : { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality } }),
  decompress: (input) => zlib.brotliDecompressSync(input),
});

const deflateRaw = (level) => ({
  name: level === undefined ? 'deflate-raw (default L6)' : `deflate-raw L${level}`,
  compress: (input) => zlib.deflateRawSync(input, level === undefined ? {} : { level }),
  decompress: (input) => zlib.inflateRawSync(input),
});

const CANDIDATES = [deflateRaw(), brotli(), deflateRaw(1), brotli(4), brotli(5)];

function main() {
  console.log(`node ${process.version}, zlib ${process.versions.zlib}, brotli ${process.versions.brotli}`);
  for (const size of [10 * 1024, 100 * 1024]) {
    const input = englishLikeText(size, 20240601);
    console.log(`\n~${size / 1024} KB English-like text (${input.length} bytes)`);
    console.log('  codec                       ratio   compress MB/s   decompress MB/s   compressed bytes');
    for (const candidate of CANDIDATES) {
      const compressed = candidate.compress(input);
      if (!candidate.decompress(compressed).equals(input)) throw new Error(`${candidate.name} did not round-trip`);
      const compressMs = timePerCall(() => candidate.compress(input));
      const decompressMs = timePerCall(() => candidate.decompress(compressed));
      const megabytes = input.length / 1e6;
      console.log(
        `  ${candidate.name.padEnd(26)} ${(input.length / compressed.length).toFixed(2).padStart(6)}` +
          `   ${(megabytes / (compressMs / 1000)).toFixed(1).padStart(13)}` +
          `   ${(megabytes / (decompressMs / 1000)).toFixed(1).padStart(15)}` +
          `   ${String(compressed.length).padStart(16)}`,
      );
    }
  }
}

main();
