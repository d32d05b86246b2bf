import { heifHandler } from './handler.js';
import { runHandlerConformance } from '../testing/conformance.js';
import { buildHeifFixtures } from '../testing/heif-fixtures.js';
import { heifProbes } from '../testing/heif-probes.js';

// A write edits several places (infe, iloc entry, cdsc reference, item bytes) and the sizes,
// counts and offsets around them; `normalize` drops the XMP item's own entries and blanks those
// fields, so the suite still sees one contiguous slot: the item's bytes.
runHandlerConformance(heifHandler, { buildFixtures: buildHeifFixtures, ...heifProbes });
