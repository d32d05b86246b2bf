import { runAigcFieldConformance } from '../testing/aigc-conformance.js';
import { buildMarkdownFixtures, markdownProbes } from '../testing/markdown-fixtures.js';
import { markdownHandler } from './handler.js';

runAigcFieldConformance(markdownHandler, { buildFixtures: buildMarkdownFixtures, ...markdownProbes });
