import { runAigcFieldConformance } from '../testing/aigc-conformance.js';
import { buildMp4Fixtures, mp4Probes } from '../testing/mp4-fixtures.js';
import { mp4Handler } from './handler.js';

runAigcFieldConformance(mp4Handler, { buildFixtures: buildMp4Fixtures, ...mp4Probes });
