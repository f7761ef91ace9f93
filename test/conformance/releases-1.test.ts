/** Istio release corpora, first half (see corpus-suite.ts; the other half is releases-2.test.ts). */
import { describe, it } from 'vitest';
import { defineCorpusSuite, releaseShard } from './corpus-suite.js';

const corpora = releaseShard(0, 2);
for (const corpus of corpora) defineCorpusSuite(corpus);
describe.skipIf(corpora.length > 0)('Istio release corpora', () => it.skip('not present'));
