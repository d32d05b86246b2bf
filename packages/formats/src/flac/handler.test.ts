import { runAigcFieldConformance } from '../testing/aigc-conformance.js';
import { buildFlacFixtures, flacProbes } from '../testing/audio-fixtures.js';
import { flacHandler } from './handler.js';

runAigcFieldConformance(flacHandler, { buildFixtures: buildFlacFixtures, ...flacProbes });
