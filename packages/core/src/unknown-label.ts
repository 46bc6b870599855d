import { NotFoundError } from './errors.js';
import type { Store } from './store.js';

/**
 * The error for a label nothing is enrolled under (`E_NOT_FOUND`), suggesting an enrolled label that
 * differs from it only by letter case ("did you mean …?", also in `details.suggestion`).
 */
export async function unknownLabelError(store: Store, label: string): Promise<NotFoundError> {
  const wanted = label.toLowerCase();
  const suggestion = (await store.labels()).find((l) => l.label.toLowerCase() === wanted)?.label;
  return new NotFoundError(`No faces are enrolled for "${label}"${suggestion !== undefined ? ` (did you mean "${suggestion}"?)` : ''}`, {
    label,
    ...(suggestion !== undefined ? { suggestion } : {}),
  });
}
