import { gifHandler } from './handler.js';
import { runHandlerConformance } from '../testing/conformance.js';
import { buildGifFixtures, gifPacketArb, normalizeGif } from '../testing/gif-fixtures.js';
import { animatedImageProbes } from '../testing/webp-fixtures.js';

// A GIF cannot carry a packet with a zero byte (XMP Part 3 §1.1.2), so the round-trip property
// draws from `packetArb`; labelling GIF87a makes it GIF89a, which `normalize` blanks. Passed as a
// variable so both are picked up as soon as ConformanceOptions declares them.
const options = {
  buildFixtures: buildGifFixtures,
  packetArb: gifPacketArb,
  normalize: normalizeGif,
  ...animatedImageProbes,
};

runHandlerConformance(gifHandler, options);
