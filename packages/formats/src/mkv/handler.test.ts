import { runAigcFieldConformance } from '../testing/aigc-conformance.js';
import { buildMkvFixtures, mkvProbes } from '../testing/mkv-fixtures.js';
import { mkvHandler } from './handler.js';

runAigcFieldConformance(mkvHandler, { buildFixtures: buildMkvFixtures, ...mkvProbes });
