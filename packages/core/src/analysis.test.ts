import { describe, expect, it } from 'vitest';
import { ANALYSIS_KINDS, parseAnalysisKinds } from './analysis.js';

describe('parseAnalysisKinds', () => {
  it('keeps known kinds in order without repeats', () => {
    expect(parseAnalysisKinds(['pose', 'age', 'pose'])).toEqual(['pose', 'age']);
    expect(parseAnalysisKinds([...ANALYSIS_KINDS])).toEqual(ANALYSIS_KINDS);
  });
  it('names an unknown kind', () => {
    expect(() => parseAnalysisKinds(['mood'])).toThrow(/Unknown analysis "mood"/);
  });
});
