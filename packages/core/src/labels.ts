import { InvalidArgumentError, type PvErrorDetails } from './errors.js';

/** The label answered for faces nobody enrolled matches; reserved, so nobody can be enrolled under it. */
export const UNKNOWN_LABEL = 'unknown';

/** The longest label, in Unicode code points (after NFC normalisation). */
export const MAX_LABEL_LENGTH = 128;

/** Which rule a refused label broke (`details.rule` of the {@link InvalidLabelError}). */
export type LabelRule = 'type' | 'empty' | 'length' | 'control' | 'separator' | 'dots' | 'reserved';

/** A label that breaks the label rules of {@link checkLabel}. Code `E_INVALID_ARGUMENT`, `details.rule` says which. */
export class InvalidLabelError extends InvalidArgumentError {
  constructor(message: string, details: PvErrorDetails & { readonly rule: LabelRule }) {
    super(message, details);
  }
}

// C0/C1 controls, and the invisible format characters that reorder or hide text on a terminal or page
// (bidi overrides and isolates, zero-width characters, the BOM).
const FORBIDDEN = /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/u;

/**
 * The one label rule of pv, used by the library, every store, the CLI and the server. Returns the label in
 * its canonical form: Unicode NFC (so `é` typed two ways is one person), surrounding white space removed.
 * Refuses (with {@link InvalidLabelError}) an empty label, one longer than {@link MAX_LABEL_LENGTH} code
 * points, control and invisible format characters (terminal escape injection, text that prints as
 * another), `/` and `\` (labels name people, never paths), `.` and `..`, and the reserved
 * {@link UNKNOWN_LABEL} in any letter case.
 *
 * Stores apply it when records are added; reading, searching and deleting accept any string, so a store
 * written before the rule existed stays readable and erasable.
 */
export function checkLabel(label: unknown): string {
  if (typeof label !== 'string') throw new InvalidLabelError('A label must be a string', { rule: 'type' });
  const canonical = label.normalize('NFC').trim();
  const shown = JSON.stringify(canonical.length > 40 ? `${[...canonical].slice(0, 40).join('')}…` : canonical);
  if (canonical.length === 0) throw new InvalidLabelError('A label must not be empty', { rule: 'empty', label });
  const length = [...canonical].length;
  if (length > MAX_LABEL_LENGTH) {
    throw new InvalidLabelError(`Label ${shown} is ${length} characters long; the limit is ${MAX_LABEL_LENGTH}`, {
      rule: 'length',
      length,
      limit: MAX_LABEL_LENGTH,
    });
  }
  if (FORBIDDEN.test(canonical)) {
    throw new InvalidLabelError(`Label ${shown} holds a control or invisible character`, { rule: 'control', label: canonical });
  }
  if (/[/\\]/u.test(canonical)) {
    throw new InvalidLabelError(`Label ${shown} holds "/" or "\\": labels name people, not paths`, { rule: 'separator', label: canonical });
  }
  if (canonical === '.' || canonical === '..') {
    throw new InvalidLabelError(`Label ${shown} is not a name`, { rule: 'dots', label: canonical });
  }
  if (canonical.toLowerCase() === UNKNOWN_LABEL) {
    throw new InvalidLabelError(`"${UNKNOWN_LABEL}" is reserved for faces nobody matches`, { rule: 'reserved', label: canonical });
  }
  return canonical;
}

/** True when {@link checkLabel} accepts `label` unchanged (it is already canonical). */
export function isCanonicalLabel(label: string): boolean {
  try {
    return checkLabel(label) === label;
  } catch {
    return false;
  }
}

/**
 * A label made safe to print on a terminal or in a log: control and invisible characters are shown as
 * `\u{…}` escapes. For labels read from stores written before the label rule.
 */
export function printableLabel(label: string): string {
  return label.replace(new RegExp(FORBIDDEN.source, 'gu'), (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}
