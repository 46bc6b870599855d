import { describe, expect, it } from 'vitest';
import { ANALYSIS_KINDS, parseAnalysisKinds } from './analysis.js';

describe('parseAnalysisKinds', () => {
  it('keeps known kinds in order without repeats', () => {
    expect(parseAnalysisKinds(['pose', 'age', 'pose'])).toEqual(['pose', 'age']);
    expect(parseAnalysisKinds([...ANALYSIS_KINDS])).toEqual(ANALYSIS_KINDS);
  });
  it('reads a comma-separated string, skipping blanks', () => {
    expect(parseAnalysisKinds(' liveness, pose,,pose ')).toEqual(['liveness', 'pose']);
    expect(parseAnalysisKinds('')).toEqual([]);
    expect(() => parseAnalysisKinds('age,mood')).toThrow(/Unknown analysis "mood"/);
  });
  it('names an unknown kind', () => {
    expect(() => parseAnalysisKinds(['mood'])).toThrow(/Unknown analysis "mood"/);
  });
});
