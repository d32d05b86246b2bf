import { webpHandler } from './handler.js';
import { runHandlerConformance } from '../testing/conformance.js';
import {
  animatedImageProbes,
  buildWebpFixtures,
  normalizeWebp,
  resealWebp,
} from '../testing/webp-fixtures.js';

// Every insert or removal also rewrites the RIFF File Size (and sets, clears, adds or drops
// VP8X), so the suite compares bytes outside the XMP slot after `normalize` blanks them.
// Passed as a variable so the option is picked up as soon as ConformanceOptions declares it.
const options = {
  buildFixtures: buildWebpFixtures,
  reseal: resealWebp,
  normalize: normalizeWebp,
  ...animatedImageProbes,
};

runHandlerConformance(webpHandler, options);
