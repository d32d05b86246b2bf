import { runAigcFieldConformance } from '../testing/aigc-conformance.js';
import { buildWavFixtures, wavProbes } from '../testing/audio-fixtures.js';
import { wavHandler } from './handler.js';

runAigcFieldConformance(wavHandler, { buildFixtures: buildWavFixtures, ...wavProbes });
