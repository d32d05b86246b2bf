import { jpegHandler } from './handler.js';
import { runHandlerConformance } from '../testing/conformance.js';
import { imageProbes } from '../testing/images.js';
import { buildJpegFixtures } from '../testing/jpeg-fixtures.js';

runHandlerConformance(jpegHandler, { buildFixtures: buildJpegFixtures, ...imageProbes });
