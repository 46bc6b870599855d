import { localActor, openStoreAuditTrail, withoutPassword, type AuditRecorder, type AuditTrail } from '@pv/privacy';
import { loadAuditSettings } from '@pv/settings/node';

/**
 * The audit recorder of a command working on `storeUri`: the store's trail (found by `@pv/privacy`, as the
 * server finds it; `PV_AUDIT=off` turns it off, `PV_AUDIT_TRAIL` moves it), recording as the local user at
 * `cli@<host>`, every entry naming the store (without password). `undefined` when the store keeps no trail
 * (`memory:`) or recording is off.
 */
export async function commandAudit(storeUri: string): Promise<AuditRecorder | undefined> {
  const trail = await openStoreAuditTrail(storeUri, { settings: loadAuditSettings() });
  if (trail === undefined) return undefined;
  const { actor, origin } = localActor();
  return trail.as(actor, origin, withoutPassword(storeUri));
}

/** The store's trail even when recording is off (`PV_AUDIT=off`): erasing a person scrubs a trail kept earlier. */
export async function existingAuditTrail(storeUri: string): Promise<AuditTrail | undefined> {
  return openStoreAuditTrail(storeUri, { settings: { ...loadAuditSettings(), enabled: true } });
}
