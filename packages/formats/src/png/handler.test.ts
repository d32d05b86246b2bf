import { pngHandler } from './handler.js';
import { runHandlerConformance } from '../testing/conformance.js';
import { imageProbes } from '../testing/images.js';
import { buildPngFixtures, resealPng } from '../testing/png-fixtures.js';

runHandlerConformance(pngHandler, { buildFixtures: buildPngFixtures, reseal: resealPng, ...imageProbes });
