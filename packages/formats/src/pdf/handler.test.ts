import { runAigcFieldConformance } from '../testing/aigc-conformance.js';
import { buildPdfFixtures, pdfProbes } from '../testing/pdf-fixtures.js';
import { pdfHandler } from './handler.js';

runAigcFieldConformance(pdfHandler, { buildFixtures: buildPdfFixtures, ...pdfProbes });
