import { tiffHandler } from './handler.js';
import { runHandlerConformance } from '../testing/conformance.js';
import { buildTiffFixtures, tiffProbes } from '../testing/tiff-fixtures.js';

runHandlerConformance(tiffHandler, {
  buildFixtures: buildTiffFixtures,
  ...tiffProbes,
  xmpPlacement: 'append',
});
