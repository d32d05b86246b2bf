import { runAigcFieldConformance } from '../testing/aigc-conformance.js';
import { buildMp3Fixtures, mp3Probes } from '../testing/audio-fixtures.js';
import { mp3Handler } from './handler.js';

runAigcFieldConformance(mp3Handler, { buildFixtures: buildMp3Fixtures, ...mp3Probes });
